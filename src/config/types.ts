/**
 * Organisation-specific settings (`nhiscan.config.json` / `.nhiscan/config.yaml`): conventions
 * that tell machines from people, known service accounts and agents, and rule options.
 */
export interface NhiConfig {
  /** Regex sources matched case-insensitively against logins/UPNs/names of user objects. */
  serviceAccountPatterns: string[];
  /** Logins, UPNs, object ids or ARNs that are service accounts whatever their names say. */
  knownServiceAccounts: string[];
  /** Attribute values that mark a service account (Entra `employeeType`, Okta user type name). */
  serviceAccountTypes: string[];
  /** Regex sources that mark an identity as an AI agent by name, tag or description. */
  agentPatterns: string[];
  /** Ids / names / ARNs of identities declared to be AI agents. */
  knownAgents: string[];
  /** Per-rule options, `{ ruleId: { option: value } }`. */
  rules: Record<string, Record<string, unknown>>;
  /** Rule ids to skip. */
  disabledRules: string[];
}

export const DEFAULT_CONFIG: NhiConfig = {
  serviceAccountPatterns: ['^(svc|sa|srv|app|bot|svc_|integration|sync|api)[-_.]', '[-_.](svc|service|bot|integration)$', '^service[-_.]'],
  knownServiceAccounts: [],
  serviceAccountTypes: ['service', 'serviceaccount', 'service account', 'service_account', 'nonhuman', 'non-human'],
  agentPatterns: [
    // Words bounded by anything but a letter or digit: \b would take '_' for a letter, and miss
    // openai_sync or ops_agent_role, as IAM and API token names are often written.
    // A model name may carry its version (gpt4, gpt-4o, llm2); plural forms count (agents, llms).
    '(?<![a-z0-9])(copilot|chatgpt|gpt(-?[0-9][a-z0-9.]*)?|openai|azure[- ]?openai|llms?|assistants?|chatbots?|mcp|langchain|claude|anthropic|gemini|bedrock|autogen|crewai)(?![a-z0-9])',
    // "agent" alone, but not the software agents of monitoring, backup and CI (SSM Agent, Azure
    // Monitor Agent, a Jenkins or Azure Pipelines build agent): their roles and identities
    // commonly hold admin or secret-reading rights, and are no AI agents.
    '(?<!(?<![a-z0-9])(ssm|amazonssm|cloudwatch|codedeploy|ecs|inspector|monitor|monitoring|analytics|backup|build|release|pipelines?|devops|azdo|vsts|tfc|jenkins|gitlab|teamcity|buildkite|bamboo|datadog|dd|newrelic|dynatrace|splunk|crowdstrike|falcon|qualys|nessus|zabbix|wazuh|elastic)[-_. ]{0,3})(?<![a-z0-9])agents?(?![a-z0-9])',
  ],
  knownAgents: [],
  rules: {},
  disabledRules: [],
};

const compiledAgentPatterns = new WeakMap<readonly string[], ReadonlyArray<RegExp | undefined>>();

/**
 * `agentPatterns` compiled once per list (case-insensitive), in order; `undefined` for a pattern
 * that does not compile (the config loader refuses those). Without the `g` flag a RegExp keeps
 * no state between tests, so one object serves every identity.
 */
export function agentPatternRegExps(config: NhiConfig): ReadonlyArray<RegExp | undefined> {
  let list = compiledAgentPatterns.get(config.agentPatterns);
  if (!list) {
    list = config.agentPatterns.map((p) => {
      try {
        return new RegExp(p, 'i');
      } catch {
        return undefined;
      }
    });
    compiledAgentPatterns.set(config.agentPatterns, list);
  }
  return list;
}

/**
 * Why `agentPatterns` mark an identity an AI agent: `<field> mentions "<text>"` for each field a
 * pattern matches (the first pattern that does), naming the text it matched, as the reader
 * checks a match against the name, not against the pattern. Undefined when none matches.
 */
export function agentNameReasons(config: NhiConfig, fields: ReadonlyArray<readonly [string, string | undefined]>): string[] | undefined {
  const patterns = agentPatternRegExps(config);
  let reasons: string[] | undefined;
  for (const [field, value] of fields) {
    if (!value) continue;
    for (const re of patterns) {
      const m = re ? re.exec(value) : null;
      if (m) {
        (reasons ??= []).push(`${field} mentions "${m[0]}"`);
        break;
      }
    }
  }
  return reasons;
}
