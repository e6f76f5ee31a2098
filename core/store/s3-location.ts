// Where an S3 store lives, parsed without loading the S3 client (app/store.ts opens it on first use).

export interface S3Location {
  bucket: string;
  prefix: string;
}

/** Object Lock on what is written under `prefix`, for `days` from the write (default mode: governance). */
export interface RetentionRule {
  prefix: string;
  days: number;
  mode?: 'GOVERNANCE' | 'COMPLIANCE';
}

export function parseS3Url(url: string): S3Location {
  const match = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/(.*))?$/.exec(url);
  if (match === null) throw new Error(`expected s3://bucket[/prefix], found "${url}"`);
  const prefix = (match[2] ?? '').replace(/^\/+|\/+$/g, '');
  return { bucket: match[1] ?? '', prefix: prefix === '' ? '' : `${prefix}/` };
}

export const s3LocationUrl = (where: S3Location): string => `s3://${where.bucket}/${where.prefix}`;
