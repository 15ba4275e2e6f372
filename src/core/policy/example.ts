/** The documented example railcache.toml (for the README and `railcache init`); test/fixtures/policy/railcache.example.toml is the same text, checked by a test. */
export const examplePolicyToml =
  "# railcache.toml: who may clear the build cache of, or redeploy, which services.\n" +
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
  "# Allow rules. A permission (ask, status, clear, redeploy, audit, mute) that no rule mentions is\n" +
  "# open to everyone; as soon as one rule mentions it, only the users and groups the rules name may\n" +
  "# use it. `name` is how a refusal names the rule (\"limited to ... by \"production changes\"\").\n" +
  "# users: Slack user ids (U...) or Discord user ids. groups: Slack user-group ids (S...) or\n" +
  "# Discord role ids. services / environments default to every one (\"*\").\n" +
  "[[allow]]\n" +
  "name = \"staging changes\"\n" +
  "permissions = [\"clear\", \"redeploy\"]\n" +
  "groups = [\"S0DEVELOPERS\", \"112233445566778899\"]\n" +
  "environments = [\"staging\"]\n" +
  "\n" +
  "[[allow]]\n" +
  "name = \"production changes\"\n" +
  "permissions = [\"clear\", \"redeploy\"]\n" +
  "users = [\"U0LEAD\"]\n" +
  "groups = [\"S0OPS\"]\n" +
  "services = [\"web\", \"worker\"]\n" +
  "environments = [\"production\"]\n" +
  "\n" +
  "[[allow]]\n" +
  "name = \"audit readers\"\n" +
  "permissions = [\"audit\"]\n" +
  "groups = [\"S0OPS\"]\n" +
  "\n" +
  "# Environments where someone other than the requester must confirm. The requester can never\n" +
  "# approve their own request here. With no users and no groups, anyone else may approve.\n" +
  "[second_approver]\n" +
  "environments = [\"production\"]\n" +
  "users = [\"U0LEAD\"]\n" +
  "groups = [\"S0OPS\"]\n" +
  "\n" +
  "# The deploy watcher: warning cards in SLACK_WARN_CHANNEL (or DISCORD_WARN_CHANNEL).\n" +
  "# Every setting is optional; the values below are the defaults.\n" +
  "[watcher]\n" +
  "# How often Railway is asked for the state of every deploy (slower when its rate limit runs low).\n" +
  "poll_interval = \"30s\"\n" +
  "# Which services and environments to watch; leave these out to watch all of them.\n" +
  "# services = [\"web\", \"worker\"]\n" +
  "# environments = [\"production\"]\n" +
  "# After a card about a service in an environment, no new card about it for this long.\n" +
  "cooldown = \"10m\"\n" +
  "\n" +
  "# Each rule is on by default. `rule = false` or `rule = { enabled = false }` turns it off.\n" +
  "[watcher.rules]\n" +
  "failures = { log_tail_lines = 200 }          # FAILED/CRASHED: stale-cache warning or plain notice\n" +
  "no_cache_after = \"2h\"                        # NO_CACHE left set longer than this\n" +
  "building_after = \"20m\"                       # a deploy stuck in BUILDING longer than this\n" +
  "approval_after = \"0s\"                        # a deploy waiting in NEEDS_APPROVAL longer than this\n" +
  "http5xx = { min_count = 10, window = \"5m\", watch_for = \"10m\", check_every = \"5m\" }  # 5xx burst after a deploy\n" +
  "config_file = true                           # still configured by railway.toml/railway.json\n" +
  "migrations = true                            # migrations that do not run on deploy (once per service)\n" +
  "\n" +
  "# Routes send a service's or an environment's cards to their own channel; the first match wins.\n" +
  "# slack_channel: a channel id (C...); discord_channel: a numeric channel id.\n" +
  "[[watcher.route]]\n" +
  "service = \"worker\"\n" +
  "slack_channel = \"C0WORKER\"\n" +
  "\n" +
  "[[watcher.route]]\n" +
  "environment = \"staging\"\n" +
  "slack_channel = \"C0STAGING\"\n";
