// A few functions that write the XML of the EC2 and AWS Query protocols. Elements whose value is
// undefined are left out, as AWS leaves out absent members.

export type XmlScalar = string | number | boolean | Date | undefined | null;

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c] as string);
}

function scalar(value: Exclude<XmlScalar, undefined | null>): string {
  if (value instanceof Date) return value.toISOString();
  return escapeXml(String(value));
}

/** `<name>value</name>`, or nothing when the value is absent. */
export function leaf(name: string, value: XmlScalar): string {
  if (value === undefined || value === null) return '';
  return `<${name}>${scalar(value)}</${name}>`;
}

/** `<name>…children…</name>` from already-rendered children. */
export function el(name: string, ...children: string[]): string {
  const body = children.join('');
  return body === '' ? `<${name}/>` : `<${name}>${body}</${name}>`;
}

/** A wrapped list: `<name><item>…</item>…</name>` (EC2 uses `item`, Query services a member name). */
export function list<T>(name: string, member: string, items: readonly T[], render: (item: T) => string): string {
  return el(name, ...items.map((item) => `<${member}>${render(item)}</${member}>`));
}

/** A list of scalars: `<name><member>a</member>…</name>`. */
export function scalarList(name: string, member: string, items: readonly XmlScalar[]): string {
  return el(name, ...items.map((item) => leaf(member, item)));
}
