// The lean reader against the SDK's own, on the same bytes: over HTTP from the sandbox (every page of
// the five lean lists) and on hand-written responses with the XML corners the SDK has rules for.

import {
  DescribeVolumesResult$,
  EC2Client,
  paginateDescribeNetworkInterfaces,
  paginateDescribeSecurityGroups,
  paginateDescribeVolumes,
} from '@aws-sdk/client-ec2';
import { DBInstanceMessage$, RDSClient, paginateDescribeDBClusters, paginateDescribeDBInstances } from '@aws-sdk/client-rds';
import { NormalizedSchema } from '@smithy/core/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../sandbox/server.js';
import { sandboxClients, type SandboxClients } from '../../sandbox/testkit.js';
import { EC2_LEAN_LISTS } from './collectors/ec2.js';
import { pick } from './collectors/fetcher.js';
import { RDS_LEAN_LISTS } from './collectors/rds.js';
import { leanStats, readListsLean, type LeanList } from './lean-xml.js';

type Item = Record<string, unknown>;
type Output = Record<string, unknown>;

/** What Ward keeps of an SDK output: the declared fields of each item of the list member. */
function declared(output: Output, list: LeanList): Output {
  const items = output[list.list] as Item[] | undefined;
  return items === undefined ? output : { ...output, [list.list]: items.map((item) => pick(item, list.fields)) };
}

function withoutMetadata(output: Output): Output {
  const { $metadata: _metadata, ...rest } = output;
  return rest;
}

async function allPages(pages: AsyncIterable<object>): Promise<Output[]> {
  const out: Output[] = [];
  for await (const page of pages) out.push(withoutMetadata(page as Output));
  return out;
}

describe('lean list reading over HTTP (sandbox)', () => {
  let sandbox: Sandbox;
  let sdk: SandboxClients;
  let lean: SandboxClients;

  beforeAll(async () => {
    sandbox = await startSandbox({ world: { generate: { seed: 7, accounts: 1, regions: ['eu-west-1'], resources: 230, failureRate: 0.3 } } });
    sdk = sandboxClients(sandbox.url, 'eu-west-1');
    lean = sandboxClients(sandbox.url, 'eu-west-1');
    expect(readListsLean(lean.ec2, EC2_LEAN_LISTS)).toBe(true);
    expect(readListsLean(lean.rds, RDS_LEAN_LISTS)).toBe(true);
  });

  afterAll(async () => {
    sdk.destroy();
    lean.destroy();
    await sandbox.close();
  });

  const cases: Array<[string, LeanList, (clients: SandboxClients) => AsyncIterable<object>]> = [
    ['DescribeVolumes', EC2_LEAN_LISTS[0]!, (c) => paginateDescribeVolumes({ client: c.ec2, pageSize: 100 }, {})],
    ['DescribeSecurityGroups', EC2_LEAN_LISTS[1]!, (c) => paginateDescribeSecurityGroups({ client: c.ec2, pageSize: 100 }, {})],
    ['DescribeNetworkInterfaces', EC2_LEAN_LISTS[2]!, (c) => paginateDescribeNetworkInterfaces({ client: c.ec2, pageSize: 100 }, {})],
    ['DescribeDBInstances', RDS_LEAN_LISTS[0]!, (c) => paginateDescribeDBInstances({ client: c.rds, pageSize: 100 }, {})],
    ['DescribeDBClusters', RDS_LEAN_LISTS[1]!, (c) => paginateDescribeDBClusters({ client: c.rds, pageSize: 100 }, {})],
  ];

  it.each(cases)('%s: every page gives the declared fields the SDK gives, read lean', async (_name, list, pages) => {
    const before = { ...leanStats };
    const expected = (await allPages(pages(sdk))).map((page) => declared(page, list));
    const actual = await allPages(pages(lean));
    expect(leanStats.lean - before.lean).toBe(actual.length);
    expect(leanStats.fallback).toBe(before.fallback);
    expect(actual.length).toBeGreaterThan(1);
    expect((actual[0]?.[list.list] as Item[]).length).toBeGreaterThan(0);
    expect(actual).toEqual(expected);
  });
});

describe('lean list reading of hand-written responses', () => {
  const ec2 = { sdk: new EC2Client({ region: 'us-east-1' }), lean: new EC2Client({ region: 'us-east-1' }) };
  const rds = { sdk: new RDSClient({ region: 'us-east-1' }), lean: new RDSClient({ region: 'us-east-1' }) };
  readListsLean(ec2.lean, EC2_LEAN_LISTS);
  readListsLean(rds.lean, RDS_LEAN_LISTS);
  type Read = (schema: unknown, bytes: Uint8Array, key?: string) => Output;
  const readerOf = (client: EC2Client | RDSClient): Read => {
    const deserializer = (client.config as unknown as { protocol: { deserializer: { read: Read } } }).protocol.deserializer;
    return (schema, bytes, key) => deserializer.read(schema, bytes, key);
  };

  function compare(clients: { sdk: EC2Client | RDSClient; lean: EC2Client | RDSClient }, output: unknown, list: LeanList, xml: string | Uint8Array, key?: string): { lean: boolean; value: Output } {
    const schema = NormalizedSchema.of(output as Parameters<typeof NormalizedSchema.of>[0]);
    const bytes = typeof xml === 'string' ? new TextEncoder().encode(xml) : xml;
    const before = leanStats.lean;
    let expected: Output;
    try {
      expected = declared(readerOf(clients.sdk)(schema, bytes, key) ?? {}, list);
    } catch (error) {
      // What the SDK refuses, the lean reader refuses the same way (it hands such input back).
      expect(() => readerOf(clients.lean)(schema, bytes, key)).toThrow((error as Error).message);
      return { lean: leanStats.lean > before, value: {} };
    }
    const actual = readerOf(clients.lean)(schema, bytes, key) ?? {};
    expect(actual).toEqual(expected);
    return { lean: leanStats.lean > before, value: actual };
  }

  const volumes = (body: string) =>
    `<?xml version="1.0" encoding="UTF-8"?>\n<DescribeVolumesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">\n  <requestId>r-1</requestId>\n  <volumeSet>${body}</volumeSet>\n  <nextToken>n&amp;2</nextToken>\n</DescribeVolumesResponse>`;

  it('maps names, types, nested lists, entities and empty elements as the SDK does', () => {
    const item = `<item>
      <volumeId>vol-1</volumeId><size>08</size><encrypted>TRUE</encrypted><status>in-use</status>
      <kmsKeyId>arn:a&lt;b&gt;&#65;&#x42;&unknown;</kmsKeyId><volumeType>
</volumeType><availabilityZone> a </availabilityZone>
      <createTime>2026-01-02T03:04:05.000Z</createTime>
      <attachmentSet><item><attachTime>2026-01-02T03:04:05.123Z</attachTime><deleteOnTermination>false</deleteOnTermination><device>/dev/sda</device><instanceId>i-1</instanceId></item><item/></attachmentSet>
      <tagSet><item><key>Name</key><value/></item><item><key>x</key><value>&#10;</value></item><other><item>ignored</item></other></tagSet>
      <unknownThing><volumeId>not me</volumeId><nested><nested/></nested></unknownThing>
    </item>
    <item/>
    <item><tagSet/><attachmentSet>
    </attachmentSet></item>`;
    const { lean, value } = compare(ec2, DescribeVolumesResult$, EC2_LEAN_LISTS[0]!, volumes(item));
    expect(lean).toBe(true);
    expect((value['Volumes'] as Item[])[0]).toMatchObject({ VolumeId: 'vol-1', Size: 8, Encrypted: true, State: 'in-use', KmsKeyId: 'arn:a<b>AB' });
    expect(value['NextToken']).toBe('n&2');
  });

  it('reads an empty list, an empty response and a self-closing root as the SDK does', () => {
    expect(compare(ec2, DescribeVolumesResult$, EC2_LEAN_LISTS[0]!, volumes('')).lean).toBe(true);
    expect(compare(ec2, DescribeVolumesResult$, EC2_LEAN_LISTS[0]!, '<DescribeVolumesResponse/>').lean).toBe(true);
  });

  it('hands comments, CDATA, attributes, repeated members and mismatched tags in skipped elements back to the SDK', () => {
    for (const body of [
      '<item><volumeId><![CDATA[vol-<1>]]></volumeId></item>',
      '<item><!-- note --><volumeId>vol-1</volumeId></item>',
      '<item><volumeId id="x">vol-1</volumeId></item>',
      '<item><volumeId>vol-1</volumeId><volumeId>vol-2</volumeId></item>',
      '<item>text<volumeId>vol-1</volumeId></item>',
      '<item><unknownThing><a><b></a></b></unknownThing><volumeId>vol-1</volumeId></item>',
    ]) {
      expect(compare(ec2, DescribeVolumesResult$, EC2_LEAN_LISTS[0]!, volumes(body)).lean).toBe(false);
    }
  });

  it('decodes multi-byte UTF-8 values as the SDK does, in kept and in skipped elements', () => {
    const item = `<item><volumeId>vol-é→😀</volumeId><kmsKeyId>clé &amp; 鍵 &#x2192;</kmsKeyId><volumeType>\u00a0
</volumeType><availabilityZone>\u00a0\u2003</availabilityZone><unknownThing>ü<nested>→</nested></unknownThing><éléments>x</éléments>
      <tagSet><item><key>Name</key><value>Ünïcødé — 🧪 test</value></item></tagSet></item>`;
    const { lean, value } = compare(ec2, DescribeVolumesResult$, EC2_LEAN_LISTS[0]!, volumes(item));
    expect(lean).toBe(true);
    expect((value['Volumes'] as Item[])[0]).toMatchObject({ VolumeId: 'vol-é→😀', KmsKeyId: 'clé & 鍵 →', Tags: [{ Key: 'Name', Value: 'Ünïcødé — 🧪 test' }] });
  });

  it('gives invalid UTF-8 inside values the replacement characters the SDK gives', () => {
    const utf8 = (text: string) => Buffer.from(text, 'utf8');
    const raw = (...bytes: number[]) => Buffer.from(bytes);
    const [head, tail] = volumes('\u0000').split('\u0000') as [string, string];
    const xml = Buffer.concat([
      utf8(head),
      utf8('<item><volumeId>a'),
      raw(0xff, 0x80, 0xc0, 0xaf), // a byte never in UTF-8, a lone continuation byte, an overlong '/'
      utf8('b</volumeId><kmsKeyId>c'),
      raw(0xe2, 0x86), // '→' cut short just before the closing tag
      utf8('</kmsKeyId><availabilityZone>'),
      raw(0xed, 0xa0, 0x80, 0x41, 0xf0, 0x9f, 0x98), // an encoded surrogate, 'A', an emoji cut short
      utf8('</availabilityZone><unknownThing>'),
      raw(0xfe, 0xe2),
      utf8('</unknownThing><tagSet><item><key>k'),
      raw(0xc3),
      utf8('</key><value>'),
      raw(0xf4, 0x90, 0x80, 0x80), // above U+10FFFF
      utf8('</value></item></tagSet></item>'),
      utf8(tail),
    ]);
    const { lean, value } = compare(ec2, DescribeVolumesResult$, EC2_LEAN_LISTS[0]!, xml);
    expect(lean).toBe(true);
    expect((value['Volumes'] as Item[])[0]).toMatchObject({ VolumeId: 'a\ufffd\ufffd\ufffd\ufffdb', KmsKeyId: 'c\ufffd' });
  });

  it('hands a byte order mark back to the SDK, and matches its closing tags and blank space as the SDK does', () => {
    expect(compare(ec2, DescribeVolumesResult$, EC2_LEAN_LISTS[0]!, `\ufeff${volumes('<item><volumeId>vol-1</volumeId></item>')}`).lean).toBe(false);
    for (const body of ['<item><volumeId>vol-1</volumeId  ></item>', '<item><volumeId \u00a0>vol-1</volumeId><size\t/></item>']) {
      expect(compare(ec2, DescribeVolumesResult$, EC2_LEAN_LISTS[0]!, volumes(body)).lean).toBe(true);
    }
  });

  it('reads CR LF and a lone CR in values as LF, as the SDK does', () => {
    const { lean, value } = compare(ec2, DescribeVolumesResult$, EC2_LEAN_LISTS[0]!, volumes('<item>\r\n<volumeId>a\r\nb\rc&#13;</volumeId><volumeType> \r </volumeType></item>'));
    expect(lean).toBe(true);
    expect((value['Volumes'] as Item[])[0]).toMatchObject({ VolumeId: 'a\nb\nc\r', VolumeType: '' });
  });

  it('hands whitespace without a line break beside child elements back to the SDK, which keeps it as text', () => {
    for (const body of ['<item> <volumeId>v</volumeId></item>', '<item><volumeId>v</volumeId>\t</item>', '<item/> <item/>', '<item><attachmentSet><item> <device>d</device></item></attachmentSet></item>']) {
      expect(compare(ec2, DescribeVolumesResult$, EC2_LEAN_LISTS[0]!, volumes(body)).lean).toBe(false);
    }
    // Without a child element beside it, such whitespace is the element's (empty) value, read lean.
    expect(compare(ec2, DescribeVolumesResult$, EC2_LEAN_LISTS[0]!, volumes('<item><attachmentSet> </attachmentSet><tagSet>\t</tagSet></item>')).lean).toBe(true);
  });

  it('reads an AWS query result under its Result element (RDS)', () => {
    const xml = `<DescribeDBInstancesResponse xmlns="http://rds.amazonaws.com/doc/2014-10-31/">
  <DescribeDBInstancesResult>
    <Marker>m-1</Marker>
    <DBInstances>
      <DBInstance>
        <DBInstanceIdentifier>db-1</DBInstanceIdentifier><PubliclyAccessible>true</PubliclyAccessible><DbInstancePort>0</DbInstancePort>
        <Endpoint><Address>db-1.example</Address><Port>5432</Port><HostedZoneId>Z1</HostedZoneId></Endpoint>
        <VpcSecurityGroups><VpcSecurityGroupMembership><VpcSecurityGroupId>sg-1</VpcSecurityGroupId><Status>active</Status></VpcSecurityGroupMembership></VpcSecurityGroups>
        <TagList><Tag><Key>env</Key><Value>prod</Value></Tag></TagList>
        <AllocatedStorage>20</AllocatedStorage><InstanceCreateTime>2026-01-02T03:04:05Z</InstanceCreateTime>
      </DBInstance>
    </DBInstances>
  </DescribeDBInstancesResult>
  <ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata>
</DescribeDBInstancesResponse>`;
    const { lean, value } = compare(rds, DBInstanceMessage$, RDS_LEAN_LISTS[0]!, xml, 'DescribeDBInstancesResult');
    expect(lean).toBe(true);
    expect(value['Marker']).toBe('m-1');
    expect((value['DBInstances'] as Item[])[0]).toMatchObject({ DBInstanceIdentifier: 'db-1', PubliclyAccessible: true, Endpoint: { Port: 5432 } });
    expect(compare(rds, DBInstanceMessage$, RDS_LEAN_LISTS[0]!, '<DescribeDBInstancesResponse><ResponseMetadata/></DescribeDBInstancesResponse>', 'DescribeDBInstancesResult').lean).toBe(true);
  });
});
