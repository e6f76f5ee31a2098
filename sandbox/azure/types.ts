// The Azure part of a sandbox world: subscriptions holding ARM resources in Azure Resource Manager's
// own JSON shape, the subscription's diagnostic settings, and the knobs that make it misbehave
// (denied reads, throttling, server errors) plus a seeded generator for scale.
// `world.schema.json` is the same contract for editors and validation; keep the two in step.

export interface AzureWorld {
  /** The tenant every subscription belongs to. */
  tenantId?: string;
  subscriptions?: AzureSubscriptionWorld[];
  /** Items per page of every list (subscriptions, resources, children); a `$top` below it wins. Default 100. */
  pageSize?: number;
  faults?: AzureFaults;
  /** Seeded subscriptions appended to `subscriptions` (see generateAzureSubscriptions). */
  generate?: AzureGenerator;
}

export interface AzureSubscriptionWorld {
  /** A GUID. */
  subscriptionId: string;
  displayName: string;
  /** Enabled (default), Warned, PastDue, Disabled or Deleted. */
  state?: 'Enabled' | 'Warned' | 'PastDue' | 'Disabled' | 'Deleted';
  tags?: Record<string, string>;
  /**
   * Every resource of the subscription, children included (a SQL server's firewall rules are resources
   * whose id extends the server's: `{serverId}/firewallRules/{name}`). `name` and `type` default to
   * what the id says.
   */
  resources?: AzureWorldResource[];
  /** Subscription-level diagnostic settings: where the activity log is exported. */
  diagnosticSettings?: AzureWorldDiagnosticSetting[];
}

export interface AzureWorldResource {
  id: string;
  name?: string;
  type?: string;
  location?: string;
  tags?: Record<string, string>;
  sku?: { name?: string; tier?: string };
  kind?: string;
  managedBy?: string;
  /** The type's own properties, as a GET by id returns them. */
  properties?: Record<string, unknown>;
}

export interface AzureWorldDiagnosticSetting {
  name: string;
  properties: {
    workspaceId?: string | null;
    storageAccountId?: string | null;
    eventHubAuthorizationRuleId?: string | null;
    eventHubName?: string | null;
    serviceBusRuleId?: string | null;
    marketplacePartnerId?: string | null;
    logs?: Array<{ category?: string | null; categoryGroup?: string | null; enabled: boolean }>;
  };
}

export interface AzureFaults {
  /** Resource types (case-insensitive) whose lists, GETs and child lists answer 403 AuthorizationFailed. */
  deniedTypes?: string[];
  /** Subscriptions whose every read, the subscription itself included, answers 403 AuthorizationFailed. */
  deniedSubscriptions?: string[];
  /** The first `calls` matching requests answer 429 TooManyRequests with a Retry-After header. */
  throttle?: { calls: number; retryAfterSeconds?: number; pathContains?: string };
  /** The first `calls` matching requests answer a server error (default 500). */
  serverErrors?: { calls: number; status?: number; pathContains?: string };
}

export interface AzureGenerator {
  seed: number;
  subscriptions: number;
  /** Top-level resources per subscription (firewall rules come on top). */
  resourcesPerSubscription: number;
  /** Share of resources that fail their control, 0–1. Default 0.1. */
  failureRate?: number;
}
