/** Quarantined files, each with its error.json. */
import { get } from './api.js';
import { h } from './dom.js';
import type { QuarantinedFile } from './types.js';

export async function quarantineView(bucket: string): Promise<HTMLElement> {
  const files = await get<QuarantinedFile[]>('/api/quarantine');
  return h(
    'section',
    { class: 'page' },
    h('h1', {}, 'Quarantine'),
    h(
      'p',
      { class: 'meta' },
      `s3://${bucket}/: files at fault (unknown dataset, encoding, header, reject ratio), kept with their error report.`,
    ),
    files.length === 0
      ? h('p', {}, 'Nothing quarantined.')
      : h(
          'div',
          { 'data-testid': 'quarantine' },
          ...files.map((f) => {
            const report = f.report ?? {};
            const execution =
              typeof report.executionId === 'string'
                ? report.executionId.split(':').pop()
                : undefined;
            return h(
              'details',
              { class: 'quarantined', 'data-key': f.key },
              h(
                'summary',
                {},
                h('code', {}, f.key),
                ` ${f.size} B — `,
                h('strong', {}, String(report.error ?? report.errorType ?? '?')),
                ` ${String(report.message ?? report.cause ?? '')}`.slice(0, 240),
              ),
              execution
                ? h(
                    'p',
                    {},
                    'execution ',
                    h('a', { href: `#/execution/${encodeURIComponent(execution)}` }, execution),
                  )
                : null,
              h('pre', {}, JSON.stringify(f.report, null, 2)),
            );
          }),
        ),
  );
}
