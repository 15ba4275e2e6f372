/**
 * Every GraphQL document railcache sends to Railway, named (Railway and the simulator see the
 * operationName) and checked against Railway's published schema by test/railway/operations.test.ts.
 */

/** `diagnosis` is Railway's own failure diagnosis (a JSON scalar; null when it has none). */
const deploymentFields = `id status createdAt projectId serviceId environmentId meta diagnosis`;

/** A service instance's identity and start settings: what both the status poll and setup read. */
const instanceSettingsFields = `serviceId serviceName environmentId railwayConfigFile builder startCommand preDeployCommand`;

export const operations = {
  Me: `query Me { me { name email } }`,

  ProjectTokenInfo: `query ProjectTokenInfo { projectToken { projectId environmentId } }`,

  /** The whole project in ONE request: every environment, every service instance, its latest deployment. */
  ProjectStatus: `query ProjectStatus($projectId: String!) {
  project(id: $projectId) {
    id
    name
    environments {
      edges {
        node {
          id
          name
          serviceInstances {
            edges {
              node {
                ${instanceSettingsFields}
                latestDeployment { ${deploymentFields} }
              }
            }
          }
        }
      }
    }
  }
}`,

  /**
   * Everything `/railcache setup` shows, in ONE request: per environment, each service's settings
   * (builder, start and pre-deploy commands, the config file it reads, its source) with the latest
   * deployment, the variables' names and dates (NO_CACHE since when; never values), and the
   * project's database plugins. Variable values (for database hosts) are one more request:
   * variablesBatchDocument.
   */
  ProjectSetup: `query ProjectSetup($projectId: String!) {
  project(id: $projectId) {
    id
    name
    plugins { edges { node { id name friendlyName } } }
    environments {
      edges {
        node {
          id
          name
          serviceInstances {
            edges {
              node {
                ${instanceSettingsFields}
                rootDirectory
                source { image repo }
                latestDeployment { ${deploymentFields} }
              }
            }
          }
          variables { edges { node { name serviceId createdAt updatedAt } } }
        }
      }
    }
  }
}`,

  /** The rate budget without spending guesses (account and workspace tokens). */
  RateLimit: `query RateLimit { me { apiTokenRateLimit { remainingPoints resetsAt } } }`,

  /** The same for a project token, through the project's workspace. */
  ProjectRateLimit: `query ProjectRateLimit($projectId: String!) {
  project(id: $projectId) { workspace { apiTokenRateLimit { remainingPoints resetsAt } } }
}`,

  /** The workspace a project belongs to (notification rules are per workspace). */
  ProjectWorkspace: `query ProjectWorkspace($projectId: String!) { project(id: $projectId) { id workspaceId } }`,

  NotificationRules: `query NotificationRules($workspaceId: String!, $projectId: String) {
  notificationRules(workspaceId: $workspaceId, projectId: $projectId) { id projectId eventTypes severities channels { id config } }
}`,

  NotificationRuleCreate: `mutation NotificationRuleCreate($input: CreateNotificationRuleInput!) {
  notificationRuleCreate(input: $input) { id projectId eventTypes severities channels { id config } }
}`,

  NotificationRuleUpdate: `mutation NotificationRuleUpdate($id: String!, $input: UpdateNotificationRuleInput!) {
  notificationRuleUpdate(id: $id, input: $input) { id projectId eventTypes severities channels { id config } }
}`,

  /** Railway sends `payload` to `url` and answers with the HTTP status it got back. */
  WebhookTest: `mutation WebhookTest($url: String!, $payload: String!) { webhookTest(url: $url, payload: $payload) }`,

  Deployment: `query Deployment($id: String!) { deployment(id: $id) { ${deploymentFields} } }`,

  RecentDeployments: `query RecentDeployments($input: DeploymentListInput!, $first: Int) {
  deployments(input: $input, first: $first) { edges { node { ${deploymentFields} } } }
}`,

  Variables: `query Variables($projectId: String!, $environmentId: String!, $serviceId: String) {
  variables(projectId: $projectId, environmentId: $environmentId, serviceId: $serviceId, unrendered: true)
}`,

  VariableUpsert: `mutation VariableUpsert($input: VariableUpsertInput!) { variableUpsert(input: $input) }`,

  VariableDelete: `mutation VariableDelete($input: VariableDeleteInput!) { variableDelete(input: $input) }`,

  /** With replace + skipDeploys: the one way to drop a service variable without a deploy (see client.replaceVariables). */
  VariableCollectionUpsert: `mutation VariableCollectionUpsert($input: VariableCollectionUpsertInput!) { variableCollectionUpsert(input: $input) }`,

  /** Which variables exist and which are sealed (sealed values are never readable, so a replace would lose them). */
  VariableMeta: `query VariableMeta($environmentId: String!) {
  environment(id: $environmentId) { variables { edges { node { name serviceId isSealed } } } }
}`,

  ServiceInstanceDeployV2: `mutation ServiceInstanceDeployV2($serviceId: String!, $environmentId: String!, $commitSha: String) {
  serviceInstanceDeployV2(serviceId: $serviceId, environmentId: $environmentId, commitSha: $commitSha)
}`,

  DeploymentRedeploy: `mutation DeploymentRedeploy($id: String!, $usePreviousImageTag: Boolean) {
  deploymentRedeploy(id: $id, usePreviousImageTag: $usePreviousImageTag) { id }
}`,

  BuildLogs: `query BuildLogs($deploymentId: String!, $limit: Int) {
  buildLogs(deploymentId: $deploymentId, limit: $limit) { message timestamp severity }
}`,

  DeploymentLogs: `query DeploymentLogs($deploymentId: String!, $limit: Int) {
  deploymentLogs(deploymentId: $deploymentId, limit: $limit) { message timestamp severity }
}`,

  HttpLogs: `query HttpLogs($deploymentId: String!, $limit: Int) {
  httpLogs(deploymentId: $deploymentId, limit: $limit) { httpStatus path timestamp }
}`,
} as const;

export type OperationName = keyof typeof operations;

/** Operations that change state: never retried blindly. */
export const mutationNames: ReadonlySet<OperationName> = new Set(
  (Object.keys(operations) as OperationName[]).filter((name) => operations[name].trimStart().startsWith("mutation")),
);

/**
 * Mutations that may be sent again when their outcome is unknown: sending them twice leaves the
 * same result as once (setting a variable to the same value without a deploy; replacing the whole
 * set with the same collection). Deploys, redeploys and variableDelete (which may deploy) are not.
 */
export const repeatableMutations: ReadonlySet<OperationName> = new Set(["VariableUpsert", "VariableCollectionUpsert", "NotificationRuleUpdate", "WebhookTest"]);

/**
 * The variables of several services of one environment in ONE request: one aliased
 * `variables(...)` field per service (`s0`, `s1`, ...). Built per call, so
 * test/railway/operations.test.ts validates a generated one against the schema too.
 */
export function variablesBatchDocument(count: number): string {
  const params = Array.from({ length: count }, (_, i) => `$s${i}: String!`).join(", ");
  const fields = Array.from({ length: count }, (_, i) => `  s${i}: variables(projectId: $projectId, environmentId: $environmentId, serviceId: $s${i})`).join(
    "\n",
  );
  return `query SetupVariables($projectId: String!, $environmentId: String!${count ? `, ${params}` : ""}) {\n${fields || "  __typename"}\n}`;
}
