import { gunzipSync } from 'node:zlib';
import { parquetMetadata, snappyUncompress } from 'hyparquet';
import { parquetHeader } from 'hyparquet/src/column.js';

/** One page as the writer handed it to its compressor. */
export interface Page {
  /** Column path, e.g. `email`. */
  column: string;
  kind: 'DICTIONARY_PAGE' | 'DATA_PAGE_V2';
  bytes: Uint8Array;
}

/**
 * The uncompressed pages of a Parquet file, as hyparquet-writer passed them to its compressor:
 * for a V2 data page, the values after the (never compressed) levels; for a dictionary page, all.
 * Reads only what our writer writes: GZIP, SNAPPY or UNCOMPRESSED, dictionary and V2 data pages.
 */
export function parquetPages(file: Uint8Array): Page[] {
  const buffer = file.buffer.slice(
    file.byteOffset,
    file.byteOffset + file.byteLength,
  ) as ArrayBuffer;
  const pages: Page[] = [];
  for (const group of parquetMetadata(buffer).row_groups) {
    for (const chunk of group.columns) {
      const meta = chunk.meta_data!;
      const start = Number(meta.dictionary_page_offset ?? meta.data_page_offset);
      const end = start + Number(meta.total_compressed_size);
      const reader = { view: new DataView(buffer), offset: start };
      while (reader.offset < end) {
        const header = parquetHeader(reader);
        const levels =
          (header.data_page_header_v2?.definition_levels_byte_length ?? 0) +
          (header.data_page_header_v2?.repetition_levels_byte_length ?? 0);
        const body = file.subarray(
          reader.offset + levels,
          reader.offset + header.compressed_page_size,
        );
        const size = header.uncompressed_page_size - levels;
        pages.push({
          column: meta.path_in_schema.join('.'),
          kind: header.type as Page['kind'],
          bytes: uncompress(meta.codec, body, size),
        });
        reader.offset += header.compressed_page_size;
      }
    }
  }
  return pages;
}

function uncompress(codec: string, body: Uint8Array, size: number): Uint8Array {
  switch (codec) {
    case 'UNCOMPRESSED':
      return body;
    case 'GZIP':
      return gunzipSync(body);
    case 'SNAPPY': {
      const out = new Uint8Array(size);
      snappyUncompress(body, out);
      return out;
    }
    default:
      throw new Error(`parquetPages reads GZIP, SNAPPY or UNCOMPRESSED pages, not ${codec}`);
  }
}
