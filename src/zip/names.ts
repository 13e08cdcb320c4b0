/** Decoding an entry's name bytes the way the tools that write layer zips mean them. */
import yauzl from 'yauzl';

const FLAG_UTF8 = 0x800;
/** Info-ZIP Unicode Path extra field: the UTF-8 name when the header's name is not flagged UTF-8. */
const UNICODE_PATH_EXTRA_ID = 0x7075;

const utf8 = new TextDecoder('utf-8', { fatal: true });
// Code page 437 for bytes 0x80-0xFF: what APPNOTE says an unflagged name is.
const CP437_HIGH =
  'ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜ¢£¥₧ƒáíóúñÑªº¿⌐¬½¼¡«»░▒▓│┤╡╢╖╕╣║╗╝╜╛┐└┴┬├─┼╞╟╚╔╩╦╠═╬╧╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀αßΓπΣσµτΦΘΩδ∞φε∩≡±≥≤⌠⌡÷≈°∙·√ⁿ²■\u00a0';

/**
 * The entry's name: yauzl's decoding when the name is flagged UTF-8 or carries a Unicode Path
 * field; otherwise valid UTF-8 is read as UTF-8 (tools on Linux, Info-ZIP among them, write the
 * file system's bytes unflagged, and those are UTF-8 in practice) and anything else as CP437.
 * Backslashes are kept: the extraction policy decides what they mean.
 */
export function decodeEntryName(
  flags: number,
  nameBytes: Buffer,
  extraFields: readonly { id: number; data: Buffer }[],
): string {
  if ((flags & FLAG_UTF8) !== 0 || extraFields.some((field) => field.id === UNICODE_PATH_EXTRA_ID)) {
    return yauzl.getFileNameLowLevel(flags, nameBytes, extraFields as yauzl.ExtraField[], true);
  }
  try {
    return utf8.decode(nameBytes);
  } catch {
    let name = '';
    for (const byte of nameBytes) name += byte < 0x80 ? String.fromCharCode(byte) : CP437_HIGH[byte - 0x80];
    return name;
  }
}
