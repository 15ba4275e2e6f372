/**
 * What Discord refuses, checked the way Discord checks it: a 400 with code 50035 ("Invalid Form
 * Body") and a nested `errors` tree naming the offending field. Limits are Discord's documented ones.
 */

export interface FieldError {
  path: (string | number)[];
  code: string;
  message: string;
}

/** A Discord-style JSON error body. */
export interface DiscordErrorBody {
  code: number;
  message: string;
  errors?: Record<string, unknown>;
}

export function invalidFormBody(problems: FieldError[]): DiscordErrorBody {
  const errors: Record<string, unknown> = {};
  for (const problem of problems) {
    let node = errors;
    for (const key of problem.path) {
      const name = String(key);
      node[name] ??= {};
      node = node[name] as Record<string, unknown>;
    }
    const list = (node._errors ??= []) as { code: string; message: string }[];
    list.push({ code: problem.code, message: problem.message });
  }
  return { code: 50035, message: "Invalid Form Body", errors };
}

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === "object" && value !== null && !Array.isArray(value);

function maxLength(problems: FieldError[], path: FieldError["path"], value: unknown, max: number, min = 0): void {
  if (value === undefined || value === null) {
    if (min > 0) problems.push({ path, code: "BASE_TYPE_REQUIRED", message: "This field is required" });
    return;
  }
  if (typeof value !== "string") {
    problems.push({ path, code: "BASE_TYPE_STRING", message: "Must be a string." });
    return;
  }
  if (value.length > max || value.length < min) {
    problems.push({
      path,
      code: "BASE_TYPE_BAD_LENGTH",
      message: `Must be between ${min} and ${max} in length.`,
    });
  }
}

/** Embeds: 10 per message, title 256, description 4096, 25 fields, name 256, value 1024, 6000 in all. */
export function checkEmbeds(embeds: unknown, problems: FieldError[]): void {
  if (embeds === undefined || embeds === null) return;
  if (!Array.isArray(embeds)) {
    problems.push({ path: ["embeds"], code: "BASE_TYPE_ARRAY", message: "Must be an array." });
    return;
  }
  if (embeds.length > 10) {
    problems.push({ path: ["embeds"], code: "BASE_TYPE_MAX_LENGTH", message: "Must be 10 or fewer in length." });
  }
  let total = 0;
  embeds.forEach((embed: unknown, i) => {
    if (!isObject(embed)) {
      problems.push({ path: ["embeds", i], code: "MODEL_TYPE_CONVERT", message: "Only dictionaries may be used in a ModelType" });
      return;
    }
    maxLength(problems, ["embeds", i, "title"], embed.title, 256);
    maxLength(problems, ["embeds", i, "description"], embed.description, 4096);
    if (embed.url !== undefined && (typeof embed.url !== "string" || !/^https?:\/\//.test(embed.url))) {
      problems.push({ path: ["embeds", i, "url"], code: "URL_TYPE_INVALID_URL", message: "Not a well formed URL." });
    }
    if (embed.color !== undefined && (typeof embed.color !== "number" || embed.color < 0 || embed.color > 0xffffff)) {
      problems.push({ path: ["embeds", i, "color"], code: "NUMBER_TYPE_MAX", message: "int value should be <= 16777215 and >= 0." });
    }
    const fields = embed.fields;
    if (Array.isArray(fields)) {
      if (fields.length > 25) {
        problems.push({ path: ["embeds", i, "fields"], code: "BASE_TYPE_MAX_LENGTH", message: "Must be 25 or fewer in length." });
      }
      fields.forEach((field: unknown, j) => {
        const f = isObject(field) ? field : {};
        maxLength(problems, ["embeds", i, "fields", j, "name"], f.name, 256, 1);
        maxLength(problems, ["embeds", i, "fields", j, "value"], f.value, 1024, 1);
        total += String(f.name ?? "").length + String(f.value ?? "").length;
      });
    }
    const footer = isObject(embed.footer) ? embed.footer : undefined;
    if (footer) maxLength(problems, ["embeds", i, "footer", "text"], footer.text, 2048, 1);
    const author = isObject(embed.author) ? embed.author : undefined;
    if (author) maxLength(problems, ["embeds", i, "author", "name"], author.name, 256, 1);
    total += String(embed.title ?? "").length + String(embed.description ?? "").length;
    total += String(footer?.text ?? "").length + String(author?.name ?? "").length;
  });
  if (total > 6000) {
    problems.push({ path: ["embeds"], code: "MAX_EMBED_SIZE_EXCEEDED", message: "Embed size exceeds maximum size of 6000" });
  }
}

/** Components: 5 action rows, 5 buttons a row, custom_id 1-100 and unique, label 80, link buttons need a url. */
export function checkComponents(components: unknown, problems: FieldError[]): void {
  if (components === undefined || components === null) return;
  if (!Array.isArray(components)) {
    problems.push({ path: ["components"], code: "BASE_TYPE_ARRAY", message: "Must be an array." });
    return;
  }
  if (components.length > 5) {
    problems.push({ path: ["components"], code: "BASE_TYPE_MAX_LENGTH", message: "Must be 5 or fewer in length." });
  }
  const seen = new Set<string>();
  components.forEach((row: unknown, i) => {
    if (!isObject(row) || row.type !== 1 || !Array.isArray(row.components)) {
      problems.push({ path: ["components", i], code: "UNION_TYPE_CHOICES", message: 'Value of field "type" must be one of (1,).' });
      return;
    }
    if (row.components.length < 1 || row.components.length > 5) {
      problems.push({ path: ["components", i, "components"], code: "BASE_TYPE_BAD_LENGTH", message: "Must be between 1 and 5 in length." });
    }
    row.components.forEach((button: unknown, j) => {
      const path = ["components", i, "components", j];
      if (!isObject(button) || button.type !== 2) {
        problems.push({ path, code: "UNION_TYPE_CHOICES", message: "Only buttons are expected here." });
        return;
      }
      if (button.emoji === undefined) maxLength(problems, [...path, "label"], button.label, 80, 1);
      else maxLength(problems, [...path, "label"], button.label, 80);
      if (button.style === 5) {
        if (typeof button.url !== "string" || !/^https?:\/\//.test(button.url)) {
          problems.push({ path: [...path, "url"], code: "BUTTON_COMPONENT_URL_REQUIRED", message: "A url is required" });
        }
        if (button.custom_id !== undefined) {
          problems.push({ path: [...path, "custom_id"], code: "BUTTON_COMPONENT_CUSTOM_ID_NOT_ALLOWED", message: "A custom id cannot be specified" });
        }
        return;
      }
      if (![1, 2, 3, 4].includes(button.style as number)) {
        problems.push({ path: [...path, "style"], code: "BASE_TYPE_CHOICES", message: "Value must be one of {1, 2, 3, 4, 5, 6}." });
      }
      maxLength(problems, [...path, "custom_id"], button.custom_id, 100, 1);
      if (typeof button.custom_id === "string") {
        if (seen.has(button.custom_id)) {
          problems.push({ path: [...path, "custom_id"], code: "COMPONENT_CUSTOM_ID_DUPLICATED", message: "Component custom id cannot be duplicated" });
        }
        seen.add(button.custom_id);
      }
    });
  });
}

/** A message body (create, edit, interaction response or webhook). `creating` also forbids empty messages. */
export function checkMessage(body: unknown, creating: boolean): DiscordErrorBody | undefined {
  if (!isObject(body)) return invalidFormBody([{ path: [], code: "MODEL_TYPE_CONVERT", message: "Only dictionaries may be used in a ModelType" }]);
  const problems: FieldError[] = [];
  maxLength(problems, ["content"], body.content, 2000);
  checkEmbeds(body.embeds, problems);
  checkComponents(body.components, problems);
  const allowed = body.allowed_mentions;
  if (isObject(allowed) && Array.isArray(allowed.parse)) {
    for (const kind of allowed.parse) {
      if (!["users", "roles", "everyone"].includes(kind as string)) {
        problems.push({ path: ["allowed_mentions", "parse"], code: "BASE_TYPE_CHOICES", message: "Value must be one of ('roles', 'users', 'everyone')." });
      }
    }
  }
  if (problems.length) return invalidFormBody(problems);
  const empty = !body.content && !(Array.isArray(body.embeds) && body.embeds.length) && !(Array.isArray(body.components) && body.components.length);
  if (creating && empty) return { code: 50006, message: "Cannot send an empty message" };
  return undefined;
}

const NAME = /^[-_\p{L}\p{N}]{1,32}$/u;
const OPTION_TYPES = new Set([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);

function checkName(problems: FieldError[], path: FieldError["path"], name: unknown): void {
  if (typeof name !== "string" || !NAME.test(name)) {
    problems.push({ path: [...path, "name"], code: "APPLICATION_COMMAND_INVALID_NAME", message: "Command name is invalid" });
  } else if (name !== name.toLowerCase()) {
    problems.push({ path: [...path, "name"], code: "APPLICATION_COMMAND_INVALID_NAME", message: "Command name is invalid" });
  }
}

function checkOptions(problems: FieldError[], path: FieldError["path"], options: unknown, level: "command" | "subcommand" | "group"): void {
  if (options === undefined) return;
  if (!Array.isArray(options)) {
    problems.push({ path: [...path, "options"], code: "BASE_TYPE_ARRAY", message: "Must be an array." });
    return;
  }
  if (options.length > 25) {
    problems.push({ path: [...path, "options"], code: "BASE_TYPE_MAX_LENGTH", message: "Must be 25 or fewer in length." });
  }
  const names = new Set<string>();
  let sawOptional = false;
  const kinds = new Set<"sub" | "value">();
  options.forEach((option: unknown, i) => {
    const at = [...path, "options", i];
    if (!isObject(option)) {
      problems.push({ path: at, code: "MODEL_TYPE_CONVERT", message: "Only dictionaries may be used in a ModelType" });
      return;
    }
    checkName(problems, at, option.name);
    maxLength(problems, [...at, "description"], option.description, 100, 1);
    if (typeof option.name === "string") {
      if (names.has(option.name)) {
        problems.push({
          path: [...at, "name"],
          code: "APPLICATION_COMMAND_OPTION_NAME_ALREADY_EXISTS",
          message: "Option name is already used in these options",
        });
      }
      names.add(option.name);
    }
    const type = option.type as number;
    if (!OPTION_TYPES.has(type)) {
      problems.push({ path: [...at, "type"], code: "BASE_TYPE_CHOICES", message: "Value must be one of {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}." });
      return;
    }
    const isSub = type === 1 || type === 2;
    kinds.add(isSub ? "sub" : "value");
    if (isSub) {
      if (level === "subcommand" || (level === "group" && type === 2)) {
        problems.push({
          path: [...at, "type"],
          code: "APPLICATION_COMMAND_OPTION_TYPE_INVALID",
          message: "Sub-command and sub-command group option types are mutually exclusive to all other types",
        });
      }
      if (option.required !== undefined) {
        problems.push({ path: [...at, "required"], code: "APPLICATION_COMMAND_OPTION_REQUIRED_INVALID", message: "Sub-commands may not be required" });
      }
      checkOptions(problems, at, option.options, type === 1 ? "subcommand" : "group");
      return;
    }
    if (level === "group") {
      problems.push({ path: [...at, "type"], code: "APPLICATION_COMMAND_OPTION_TYPE_INVALID", message: "Sub-command groups may only contain sub-commands" });
    }
    if (option.required === true && sawOptional) {
      problems.push({
        path: [...at, "required"],
        code: "APPLICATION_COMMAND_REQUIRED_OPTIONS_MUST_BE_FIRST",
        message: "Required options must be placed before non-required options",
      });
    }
    if (option.required !== true) sawOptional = true;
    const choices = option.choices;
    if (choices !== undefined) {
      if (!Array.isArray(choices) || choices.length > 25) {
        problems.push({ path: [...at, "choices"], code: "BASE_TYPE_MAX_LENGTH", message: "Must be 25 or fewer in length." });
      }
      if (option.autocomplete === true) {
        problems.push({
          path: [...at, "autocomplete"],
          code: "APPLICATION_COMMAND_AUTOCOMPLETE_CHOICES_INVALID",
          message: "Autocomplete cannot be set with choices",
        });
      }
    }
    if (option.autocomplete === true && ![3, 4, 10].includes(type)) {
      problems.push({
        path: [...at, "autocomplete"],
        code: "APPLICATION_COMMAND_OPTION_TYPE_INVALID",
        message: "Autocomplete is only allowed on string, integer and number options",
      });
    }
    for (const key of ["min_length", "max_length"] as const) {
      const value = option[key];
      if (value !== undefined && (typeof value !== "number" || value < 0 || value > 6000 || type !== 3)) {
        problems.push({ path: [...at, key], code: "NUMBER_TYPE_MAX", message: "int value should be <= 6000 and >= 0." });
      }
    }
  });
  if (kinds.size > 1) {
    problems.push({
      path: [...path, "options"],
      code: "APPLICATION_COMMAND_OPTIONS_TYPE_INVALID",
      message: "Sub-command and sub-command group option types are mutually exclusive to all other types",
    });
  }
}

/** A bulk-overwrite body: an array of at most 100 chat-input commands with unique names. */
export function checkCommands(body: unknown): DiscordErrorBody | undefined {
  if (!Array.isArray(body)) return invalidFormBody([{ path: [], code: "BASE_TYPE_ARRAY", message: "Must be an array." }]);
  const problems: FieldError[] = [];
  if (body.length > 100) problems.push({ path: [], code: "BASE_TYPE_MAX_LENGTH", message: "Must be 100 or fewer in length." });
  const names = new Set<string>();
  body.forEach((command: unknown, i) => {
    if (!isObject(command)) {
      problems.push({ path: [i], code: "MODEL_TYPE_CONVERT", message: "Only dictionaries may be used in a ModelType" });
      return;
    }
    if (command.type !== undefined && command.type !== 1) {
      problems.push({ path: [i, "type"], code: "BASE_TYPE_CHOICES", message: "This fake only knows chat-input commands (type 1)." });
    }
    checkName(problems, [i], command.name);
    maxLength(problems, [i, "description"], command.description, 100, 1);
    if (typeof command.name === "string") {
      if (names.has(command.name)) {
        problems.push({ path: [i, "name"], code: "APPLICATION_COMMANDS_DUPLICATE_NAME", message: `Application command names must be unique` });
      }
      names.add(command.name);
    }
    checkOptions(problems, [i], command.options, "command");
  });
  return problems.length ? invalidFormBody(problems) : undefined;
}

/** An autocomplete result: at most 25 choices, names 1-100, string values up to 100. */
export function checkAutocomplete(data: unknown): DiscordErrorBody | undefined {
  const problems: FieldError[] = [];
  const choices = isObject(data) ? data.choices : undefined;
  if (!Array.isArray(choices)) {
    problems.push({ path: ["data", "choices"], code: "BASE_TYPE_REQUIRED", message: "This field is required" });
  } else {
    if (choices.length > 25) problems.push({ path: ["data", "choices"], code: "BASE_TYPE_MAX_LENGTH", message: "Must be 25 or fewer in length." });
    choices.forEach((choice: unknown, i) => {
      const c = isObject(choice) ? choice : {};
      maxLength(problems, ["data", "choices", i, "name"], c.name, 100, 1);
      if (typeof c.value === "string") maxLength(problems, ["data", "choices", i, "value"], c.value, 100);
      else if (typeof c.value !== "number")
        problems.push({ path: ["data", "choices", i, "value"], code: "BASE_TYPE_REQUIRED", message: "This field is required" });
    });
  }
  return problems.length ? invalidFormBody(problems) : undefined;
}
