// The head both self-contained pages share: UTF-8, and a Content-Security-Policy that lets the page
// run only its own inline script and style and reach no network at all.

export function pageHead(title: string, style: string): string {
  const escaped = title.replace(/[<>&"]/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escaped}</title>
<style>${style}</style>
</head>`;
}
