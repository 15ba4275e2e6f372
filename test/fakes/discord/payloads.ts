/**
 * Gateway and REST objects shaped like Discord's, with the fields discord.js reads
 * (interactions need entitlements, member.user, authorizing_integration_owners; ids are snowflakes).
 */

const DISCORD_EPOCH = 1420070400000n;
let increment = 0n;

/** A numeric snowflake, increasing, as Discord mints them. */
export function snowflake(at = Date.now()): string {
  increment = (increment + 1n) % 4096n;
  return (((BigInt(at) - DISCORD_EPOCH) << 22n) | (1n << 17n) | increment).toString();
}

export interface FakeUser {
  id: string;
  username: string;
  bot?: boolean;
}

export interface FakeMember {
  user: FakeUser;
  roles: string[];
}

export interface FakeChannel {
  id: string;
  name: string;
}

export interface FakeGuild {
  id: string;
  name: string;
  ownerId: string;
  roles: { id: string; name: string }[];
  channels: FakeChannel[];
  members: FakeMember[];
}

/** Everything but Administrator: what a plain member's interaction reports. */
const MEMBER_PERMISSIONS = "2248473465835073";

export function userObject(user: FakeUser): Record<string, unknown> {
  return {
    id: user.id,
    username: user.username,
    discriminator: "0",
    global_name: user.bot ? null : user.username,
    avatar: null,
    bot: user.bot ?? false,
    public_flags: 0,
  };
}

export function memberObject(member: FakeMember): Record<string, unknown> {
  return {
    user: userObject(member.user),
    roles: member.roles,
    nick: null,
    avatar: null,
    joined_at: "2026-01-01T00:00:00.000Z",
    premium_since: null,
    deaf: false,
    mute: false,
    pending: false,
    flags: 0,
    communication_disabled_until: null,
  };
}

export function channelObject(guildId: string, channel: FakeChannel, position = 0): Record<string, unknown> {
  return {
    id: channel.id,
    type: 0,
    guild_id: guildId,
    name: channel.name,
    position,
    permission_overwrites: [],
    nsfw: false,
    parent_id: null,
    topic: null,
    last_message_id: null,
    rate_limit_per_user: 0,
    flags: 0,
  };
}

export function guildObject(guild: FakeGuild): Record<string, unknown> {
  return {
    id: guild.id,
    name: guild.name,
    icon: null,
    splash: null,
    discovery_splash: null,
    owner_id: guild.ownerId,
    afk_channel_id: null,
    afk_timeout: 300,
    verification_level: 0,
    default_message_notifications: 1,
    explicit_content_filter: 0,
    roles: guild.roles.map((role, position) => roleObject(guild.id, role, position)),
    emojis: [],
    stickers: [],
    features: [],
    mfa_level: 0,
    application_id: null,
    system_channel_id: guild.channels[0]?.id ?? null,
    system_channel_flags: 0,
    rules_channel_id: null,
    max_members: 500000,
    vanity_url_code: null,
    description: null,
    banner: null,
    premium_tier: 0,
    premium_subscription_count: 0,
    preferred_locale: "en-US",
    public_updates_channel_id: null,
    nsfw_level: 0,
    premium_progress_bar_enabled: false,
    safety_alerts_channel_id: null,
    joined_at: "2026-01-01T00:00:00.000Z",
    large: false,
    unavailable: false,
    member_count: guild.members.length,
    voice_states: [],
    members: guild.members.map(memberObject),
    channels: guild.channels.map((c, i) => channelObject(guild.id, c, i)),
    threads: [],
    presences: [],
    stage_instances: [],
    guild_scheduled_events: [],
    soundboard_sounds: [],
  };
}

export function roleObject(guildId: string, role: { id: string; name: string }, position: number): Record<string, unknown> {
  return {
    id: role.id,
    name: role.name,
    color: 0,
    colors: { primary_color: 0, secondary_color: null, tertiary_color: null },
    hoist: false,
    icon: null,
    unicode_emoji: null,
    position,
    permissions: role.id === guildId ? "1071698660929" : "0",
    managed: false,
    mentionable: false,
    flags: 0,
  };
}

/** The common part of every interaction Discord sends to an app installed in a guild. */
export function interactionBase(args: {
  id: string;
  token: string;
  applicationId: string;
  type: number;
  guild: FakeGuild;
  channel: FakeChannel;
  member: FakeMember;
}): Record<string, unknown> {
  return {
    id: args.id,
    application_id: args.applicationId,
    type: args.type,
    token: args.token,
    version: 1,
    guild_id: args.guild.id,
    guild: { id: args.guild.id, locale: "en-US", features: [] },
    channel_id: args.channel.id,
    channel: channelObject(args.guild.id, args.channel),
    member: { ...memberObject(args.member), permissions: MEMBER_PERMISSIONS },
    app_permissions: "2248473465835073",
    locale: "en-US",
    guild_locale: "en-US",
    entitlements: [],
    authorizing_integration_owners: { "0": args.guild.id },
    context: 0,
    attachment_size_limit: 10485760,
  };
}
