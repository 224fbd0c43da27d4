/** Date format patterns of Trino's functions, as DuckDB strftime/strptime patterns. */

/** MySQL-style tokens of `date_format`/`date_parse`, as strftime tokens. */
const MYSQL_TO_STRFTIME = new Map<string, string>([
  ['a', '%a'],
  ['b', '%b'],
  ['c', '%-m'],
  ['d', '%d'],
  ['e', '%-d'],
  ['f', '%f'],
  ['H', '%H'],
  ['h', '%I'],
  ['I', '%I'],
  ['i', '%M'],
  ['j', '%j'],
  ['k', '%-H'],
  ['l', '%-I'],
  ['M', '%B'],
  ['m', '%m'],
  ['p', '%p'],
  ['r', '%I:%M:%S %p'],
  ['S', '%S'],
  ['s', '%S'],
  ['T', '%H:%M:%S'],
  ['v', '%V'],
  ['W', '%A'],
  ['Y', '%Y'],
  ['y', '%y'],
  ['%', '%%'],
]);

/** A MySQL-style format (Trino's `date_format`/`date_parse`) as a strftime/strptime format. */
export function mysqlToStrftime(format: string): string {
  return format.replace(/%(.)/g, (whole, token: string) => MYSQL_TO_STRFTIME.get(token) ?? whole);
}

/** Joda-Time letters of `format_datetime`/`parse_datetime`, by letter and run length. */
const JODA: Record<string, (n: number) => string | undefined> = {
  y: (n) => (n === 2 ? '%y' : '%Y'),
  Y: (n) => (n === 2 ? '%y' : '%Y'),
  x: (n) => (n === 2 ? '%g' : '%G'),
  M: (n) => (n >= 4 ? '%B' : n === 3 ? '%b' : n === 2 ? '%m' : '%-m'),
  d: (n) => (n === 2 ? '%d' : '%-d'),
  D: (n) => (n === 3 ? '%j' : '%-j'),
  H: (n) => (n === 2 ? '%H' : '%-H'),
  k: (n) => (n === 2 ? '%H' : '%-H'),
  h: (n) => (n === 2 ? '%I' : '%-I'),
  K: (n) => (n === 2 ? '%I' : '%-I'),
  m: (n) => (n === 2 ? '%M' : '%-M'),
  s: (n) => (n === 2 ? '%S' : '%-S'),
  S: (n) => (n <= 3 ? '%g' : n <= 6 ? '%f' : '%n'),
  a: () => '%p',
  E: (n) => (n >= 4 ? '%A' : '%a'),
  e: () => '%u',
  w: (n) => (n === 2 ? '%V' : '%-V'),
  Z: (n) => (n === 1 ? '%z' : n === 2 ? '%z' : '%Z'),
  z: () => '%Z',
};

/** A Joda-Time pattern as a strftime pattern; undefined when a letter has no equivalent. */
export function jodaToStrftime(pattern: string): string | undefined {
  let out = '';
  for (let i = 0; i < pattern.length;) {
    const ch = pattern[i]!;
    if (ch === "'") {
      // Quoted text; '' is a quote, inside or outside quoted text.
      let j = i + 1;
      let text = '';
      for (; j < pattern.length; j++) {
        if (pattern[j] !== "'") text += pattern[j];
        else if (pattern[j + 1] === "'") {
          text += "'";
          j++;
        } else break;
      }
      out += j === i + 1 ? "'" : text.replace(/%/g, '%%');
      i = j + 1;
      continue;
    }
    if (/[A-Za-z]/.test(ch)) {
      let n = 1;
      while (pattern[i + n] === ch) n++;
      const token = JODA[ch]?.(n);
      if (token === undefined) return undefined;
      out += token;
      i += n;
      continue;
    }
    out += ch === '%' ? '%%' : ch;
    i++;
  }
  return out;
}
