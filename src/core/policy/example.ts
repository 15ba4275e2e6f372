/** The documented example railcache.toml (for the README and `railcache init`); test/fixtures/policy/railcache.example.toml is the same text, checked by a test. */
export const examplePolicyToml = "# railcache.toml: who may clear the build cache of, or redeploy, which services.\n" +
  "#\n" +
  "# Without this file railcache is open: anyone in the workspace may ask, clear and redeploy,\n" +
  "# and every clear or redeploy waits for a confirmation click by the person who asked.\n" +
  "# Tighten it step by step with the sections below.\n" +
  "\n" +
  "# The environment a command uses when it names none (`/railcache clear web`).\n" +
  "default_environment = \"production\"\n" +
  "\n" +
  "# How long a confirmation button stays valid (\"90s\", \"5m\", \"1h\", or a number of seconds).\n" +
  "confirmation_ttl = \"5m\"\n" +
  "\n" +
  "# The pause after a rebuild before the same service can be rebuilt again.\n" +
  "cooldown = \"2m\"\n" +
  "\n" +
  "# Other names people use for a service: `/railcache clear api` rebuilds `web`.\n" +
  "[aliases]\n" +
  "api = \"web\"\n" +
  "celery = \"worker\"\n" +
  "\n" +
  "# Allow rules. A permission (clear, redeploy, audit) that no rule mentions is open to everyone;\n" +
  "# as soon as one rule mentions it, only the users and groups the rules name may use it.\n" +
  "# users: Slack user ids (U...) or Discord user ids. groups: Slack user-group ids (S...) or\n" +
  "# Discord role ids. services / environments default to every one (\"*\").\n" +
  "[[allow]]\n" +
  "permissions = [\"clear\", \"redeploy\"]\n" +
  "groups = [\"S0DEVELOPERS\", \"112233445566778899\"]\n" +
  "environments = [\"staging\"]\n" +
  "\n" +
  "[[allow]]\n" +
  "permissions = [\"clear\", \"redeploy\"]\n" +
  "users = [\"U0LEAD\"]\n" +
  "groups = [\"S0OPS\"]\n" +
  "services = [\"web\", \"worker\"]\n" +
  "environments = [\"production\"]\n" +
  "\n" +
  "[[allow]]\n" +
  "permissions = [\"audit\"]\n" +
  "groups = [\"S0OPS\"]\n" +
  "\n" +
  "# Environments where someone other than the requester must confirm. The requester can never\n" +
  "# approve their own request here. With no users and no groups, anyone else may approve.\n" +
  "[second_approver]\n" +
  "environments = [\"production\"]\n" +
  "users = [\"U0LEAD\"]\n" +
  "groups = [\"S0OPS\"]\n";
