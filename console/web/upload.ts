/** Drag and drop files into the ingest bucket (each one a PutObject, so an execution starts). */
import { post } from './api.js';
import { h } from './dom.js';

function base64(bytes: ArrayBuffer): string {
  const view = new Uint8Array(bytes);
  let text = '';
  for (let i = 0; i < view.length; i += 0x8000)
    text += String.fromCharCode(...view.subarray(i, i + 0x8000));
  return btoa(text);
}

/** Upload each file under its own name; reports progress in `status`. */
export async function uploadFiles(files: File[], status: HTMLElement): Promise<void> {
  for (const file of files) {
    const line = h('div', { class: 'upload-line' }, `${file.name}: uploading…`);
    status.append(line);
    try {
      await post('/api/upload', { key: file.name, content: base64(await file.arrayBuffer()) });
      line.textContent = `${file.name}: uploaded, its execution starts`;
      line.classList.add('ok');
    } catch (err) {
      line.textContent = `${file.name}: ${(err as Error).message}`;
      line.classList.add('bad');
    }
  }
}

/** A drop zone for the ingest bucket. */
export function dropZone(bucket: string): HTMLElement {
  const status = h('div', { class: 'upload-status', 'data-testid': 'upload-status' });
  const input = h('input', { type: 'file', multiple: true, class: 'file-input' });
  input.addEventListener('change', () => void uploadFiles([...(input.files ?? [])], status));
  const zone = h(
    'div',
    { class: 'dropzone', 'data-testid': 'dropzone' },
    h('strong', {}, `Drop CSV files here`),
    ` to upload them to s3://${bucket}/ — or `,
    h('label', {}, 'choose files', input),
    status,
  );
  zone.addEventListener('dragover', (e) => {
    e.preventDefault();
    zone.classList.add('over');
  });
  zone.addEventListener('dragleave', () => zone.classList.remove('over'));
  zone.addEventListener('drop', (e) => {
    e.preventDefault();
    zone.classList.remove('over');
    void uploadFiles([...(e.dataTransfer?.files ?? [])], status);
  });
  return zone;
}
