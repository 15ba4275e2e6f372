/**
 * The keys Railway reads from railway.toml / railway.json (its config-as-code reference and
 * railway.schema.json), as a tree: `true` is a leaf, an object lists the keys below it, `map`
 * is a table whose keys are free names (environments, phases) with the given shape below.
 */
export type KeyShape = true | { [key: string]: KeyShape } | { readonly map: KeyShape };

const phase: KeyShape = {
  cmds: true,
  dependsOn: true,
  nixPkgs: true,
  nixLibs: true,
  nixOverlays: true,
  nixpkgsArchive: true,
  aptPkgs: true,
  cacheDirectories: true,
  paths: true,
  onlyIncludeFiles: true,
};

const build: KeyShape = {
  builder: true,
  buildCommand: true,
  watchPatterns: true,
  dockerfilePath: true,
  nixpacksConfigPath: true,
  nixpacksVersion: true,
  nixpacksPlan: {
    providers: true,
    buildImage: true,
    variables: true,
    staticAssets: true,
    phases: { map: phase },
    start: { cmd: true, runImage: true, onlyIncludeFiles: true },
  },
  railpackVersion: true,
  buildEnvironment: true,
};

const deploy: KeyShape = {
  startCommand: true,
  preDeployCommand: true,
  numReplicas: true,
  multiRegionConfig: true,
  region: true,
  healthcheckPath: true,
  healthcheckTimeout: true,
  restartPolicyType: true,
  restartPolicyMaxRetries: true,
  cronSchedule: true,
  sleepApplication: true,
  overlapSeconds: true,
  drainingSeconds: true,
  requiredMountPath: true,
  runtime: true,
  limitOverride: true,
  ipv6EgressEnabled: true,
};

export const railwayConfigKeys: KeyShape = {
  $schema: true,
  build,
  deploy,
  environments: { map: { build, deploy } },
};

export function isMap(shape: KeyShape): shape is { readonly map: KeyShape } {
  return typeof shape === "object" && "map" in shape && Object.keys(shape).length === 1;
}
