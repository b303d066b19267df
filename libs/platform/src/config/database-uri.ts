/**
 * The same server as `uri`, another database: `mongodb://u:p@h1,h2/x?rs=1` + `y` →
 * `mongodb://u:p@h1,h2/y?rs=1`. Each service (and each bench or check) gets its own database.
 */
export function withDatabase(uri: string, database: string): string {
  const match = /^(mongodb(?:\+srv)?:\/\/[^/?]+)(?:\/[^?]*)?(\?.*)?$/.exec(uri);
  if (!match) throw new Error(`not a mongodb:// URI: ${uri}`);
  return `${match[1]}/${database}${match[2] ?? ''}`;
}
