// Turns Cloud Asset Inventory assets, as the Node client decodes them, into Ward's records. The client
// hands `resource.data` over as a protobuf Struct (`{ fields: { key: { stringValue: … } } }`); this
// converts it back to the JSON the service API returns, so records keep the API's own field names.

import type { protos } from '@google-cloud/asset';
import type { GcpAssetRef, GcpRecord } from './datasets.js';
import { setOwn } from '../../core/own.js';

type IAsset = protos.google.cloud.asset.v1.IAsset;
type IStruct = protos.google.protobuf.IStruct;
type IValue = protos.google.protobuf.IValue;

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** A protobuf Value as plain JSON (the `kind` oneof says which field is set; without it, the first one set). */
export function valueToJson(value: IValue | null | undefined): JsonValue {
  if (value === null || value === undefined) return null;
  const kind = (value as { kind?: string }).kind;
  if (kind === 'nullValue') return null;
  if (kind === 'numberValue' || (kind === undefined && value.numberValue !== undefined && value.numberValue !== null)) return value.numberValue ?? 0;
  if (kind === 'stringValue' || (kind === undefined && value.stringValue !== undefined && value.stringValue !== null)) return value.stringValue ?? '';
  if (kind === 'boolValue' || (kind === undefined && value.boolValue !== undefined && value.boolValue !== null)) return value.boolValue ?? false;
  if (kind === 'structValue' || (kind === undefined && value.structValue !== undefined && value.structValue !== null)) return structToJson(value.structValue);
  if (kind === 'listValue' || (kind === undefined && value.listValue !== undefined && value.listValue !== null)) {
    return (value.listValue?.values ?? []).map(valueToJson);
  }
  return null;
}

/** A protobuf Struct as a plain JSON object. */
export function structToJson(struct: IStruct | null | undefined): JsonObject {
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(struct?.fields ?? {})) setOwn(out, key, valueToJson(value));
  return out;
}

function nonEmpty(text: string | null | undefined): string | undefined {
  return text === null || text === undefined || text === '' ? undefined : text;
}

function timestamp(value: protos.google.protobuf.ITimestamp | null | undefined): string | undefined {
  if (value === null || value === undefined || value.seconds === null || value.seconds === undefined) return undefined;
  const seconds = Number(value.seconds);
  if (!Number.isFinite(seconds)) return undefined;
  return new Date(seconds * 1000 + Math.floor((value.nanos ?? 0) / 1e6)).toISOString();
}

/** The asset's envelope. */
export function assetRef(asset: IAsset): GcpAssetRef {
  const ref: GcpAssetRef = { name: asset.name ?? '', assetType: asset.assetType ?? '' };
  const location = nonEmpty(asset.resource?.location);
  if (location !== undefined) ref.location = location;
  if (asset.ancestors !== null && asset.ancestors !== undefined && asset.ancestors.length > 0) ref.ancestors = [...asset.ancestors];
  const updated = timestamp(asset.updateTime);
  if (updated !== undefined) ref.updateTime = updated;
  return ref;
}

/** The resource's JSON data, typed as the dataset's item (the service API's representation). */
export function resourceRecord<Data>(asset: IAsset): GcpRecord<Data> {
  return { asset: assetRef(asset), data: structToJson(asset.resource?.data) as Data };
}

/** `projects/123` when the asset belongs to a project (its first ancestor), else undefined. */
export function owningProject(asset: IAsset): string | undefined {
  const first = asset.ancestors?.[0];
  return first !== undefined && first.startsWith('projects/') ? first : undefined;
}

/** The last path segment of a URL or resource name (`…/zones/us-central1-a` → `us-central1-a`). */
export function lastSegment(text: string | undefined): string | undefined {
  if (text === undefined || text === '') return undefined;
  const parts = text.split('/').filter((p) => p !== '');
  return parts[parts.length - 1];
}
