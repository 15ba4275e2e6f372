/**
 * A subset of Slack's Block Kit validation: enough that the fake refuses what Slack refuses for
 * the blocks railcache builds (sizes, required fields, types, uniqueness). Errors use Slack's
 * wording style with a json-pointer, as `invalid_blocks` responses carry them.
 */

type Json = Record<string, unknown>;

const blockTypes = new Set(["section", "header", "divider", "context", "actions", "image", "input", "rich_text", "markdown", "video", "file"]);

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

class Checker {
  readonly errors: string[] = [];
  private readonly blockIds = new Set<string>();
  private readonly actionIds = new Set<string>();

  fail(message: string, pointer: string): void {
    this.errors.push(`${message} [json-pointer:${pointer}]`);
  }

  maxLength(value: unknown, max: number, pointer: string): void {
    if (typeof value === "string" && value.length > max) this.fail(`must be less than ${max + 1} characters`, pointer);
  }

  text(value: unknown, pointer: string, opts: { plainOnly?: boolean; max: number }): void {
    if (!isObject(value)) return this.fail("must provide an object", pointer);
    if (value.type !== "plain_text" && value.type !== "mrkdwn") {
      return this.fail("must be one of plain_text, mrkdwn", `${pointer}/type`);
    }
    if (opts.plainOnly && value.type !== "plain_text") this.fail("must be plain_text", `${pointer}/type`);
    if (typeof value.text !== "string" || value.text.length === 0) {
      return this.fail("must be more than 0 characters", `${pointer}/text`);
    }
    this.maxLength(value.text, opts.max, `${pointer}/text`);
  }

  element(value: unknown, pointer: string): void {
    if (!isObject(value)) return this.fail("must provide an object", pointer);
    if (typeof value.type !== "string") return this.fail("must provide a type", `${pointer}/type`);
    if (typeof value.action_id === "string") {
      this.maxLength(value.action_id, 255, `${pointer}/action_id`);
      if (this.actionIds.has(value.action_id)) this.fail("action_id must be unique", `${pointer}/action_id`);
      this.actionIds.add(value.action_id);
    }
    if (value.type === "button") {
      this.text(value.text, `${pointer}/text`, { plainOnly: true, max: 75 });
      this.maxLength(value.value, 2000, `${pointer}/value`);
      this.maxLength(value.url, 3000, `${pointer}/url`);
      if (value.style !== undefined && value.style !== "primary" && value.style !== "danger") {
        this.fail("must be one of primary, danger", `${pointer}/style`);
      }
    } else if (value.type === "image") {
      if (typeof value.image_url !== "string") this.fail("must provide a string", `${pointer}/image_url`);
      if (typeof value.alt_text !== "string") this.fail("must provide a string", `${pointer}/alt_text`);
    }
  }

  block(value: unknown, pointer: string): void {
    if (!isObject(value)) return this.fail("must provide an object", pointer);
    if (typeof value.type !== "string") return this.fail("must provide a type", `${pointer}/type`);
    if (!blockTypes.has(value.type)) return this.fail("unsupported type", `${pointer}/type`);
    if (value.block_id !== undefined) {
      if (typeof value.block_id !== "string") return this.fail("must be a string", `${pointer}/block_id`);
      this.maxLength(value.block_id, 255, `${pointer}/block_id`);
      if (this.blockIds.has(value.block_id)) this.fail("block_id must be unique", `${pointer}/block_id`);
      this.blockIds.add(value.block_id);
    }
    switch (value.type) {
      case "header":
        this.text(value.text, `${pointer}/text`, { plainOnly: true, max: 150 });
        break;
      case "section":
        this.section(value, pointer);
        break;
      case "context":
        this.list(value.elements, `${pointer}/elements`, 10, (el, p) =>
          isObject(el) && el.type === "image" ? this.element(el, p) : this.text(el, p, { max: 3000 }),
        );
        break;
      case "actions":
        this.list(value.elements, `${pointer}/elements`, 25, (el, p) => this.element(el, p));
        break;
      case "image":
        this.element(value, pointer);
        break;
      default:
        break;
    }
  }

  private section(value: Json, pointer: string): void {
    if (value.text === undefined && value.fields === undefined) {
      return this.fail("must provide either text or fields", pointer);
    }
    if (value.text !== undefined) this.text(value.text, `${pointer}/text`, { max: 3000 });
    if (value.fields !== undefined) {
      this.list(value.fields, `${pointer}/fields`, 10, (f, p) => this.text(f, p, { max: 2000 }));
    }
    if (value.accessory !== undefined) this.element(value.accessory, `${pointer}/accessory`);
  }

  private list(value: unknown, pointer: string, max: number, each: (item: unknown, pointer: string) => void): void {
    if (!Array.isArray(value) || value.length === 0) return this.fail("must provide at least 1 item", pointer);
    if (value.length > max) this.fail(`must provide no more than ${max} items`, pointer);
    value.forEach((item, i) => each(item, `${pointer}/${i}`));
  }
}

/** Validates a `blocks` array for a message (max 50) or a view (max 100). Returns the errors, empty if valid. */
export function validateBlocks(blocks: unknown, surface: "message" | "view" = "message"): string[] {
  const checker = new Checker();
  if (!Array.isArray(blocks)) {
    checker.fail("must provide an array", "/blocks");
    return checker.errors;
  }
  const max = surface === "message" ? 50 : 100;
  if (blocks.length > max) checker.fail(`must provide no more than ${max} items`, "/blocks");
  blocks.forEach((block, i) => checker.block(block, `/blocks/${i}`));
  return checker.errors;
}

/** Validates a view for views.open/update/publish; returns errors, empty if valid. */
export function validateView(view: unknown, expectedType: "modal" | "home" | "any" = "any"): string[] {
  if (!isObject(view)) return ["must provide an object [json-pointer:/view]"];
  const errors: string[] = [];
  if (view.type !== "modal" && view.type !== "home") errors.push("must be one of modal, home [json-pointer:/view/type]");
  else if (expectedType !== "any" && view.type !== expectedType) {
    errors.push(`must be ${expectedType} [json-pointer:/view/type]`);
  }
  if (view.type === "modal") {
    const title = view.title;
    if (!isObject(title) || title.type !== "plain_text" || typeof title.text !== "string" || title.text.length === 0) {
      errors.push("must provide a plain_text title [json-pointer:/view/title]");
    } else if (title.text.length > 24) {
      errors.push("must be less than 25 characters [json-pointer:/view/title/text]");
    }
  }
  return errors.concat(validateBlocks(view.blocks, "view").map((e) => e.replace("[json-pointer:/", "[json-pointer:/view/")));
}
