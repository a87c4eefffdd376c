/**
 * Slack's documented message and Block Kit limits. A violation is reported the way Slack does:
 * `msg_too_long` for text, `invalid_blocks` (with a human-readable `errors` list) for blocks.
 * Unknown block and element types are accepted (Slack adds new ones; a fake stricter than Slack
 * would fail for no reason), but the limits of the known ones are enforced.
 */

export const MAX_TEXT = 40_000;
export const MAX_MESSAGE_BLOCKS = 50;
export const MAX_VIEW_BLOCKS = 100;

export interface LimitError {
  error: "msg_too_long" | "invalid_blocks";
  errors?: string[];
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function checkTextObject(
  obj: unknown,
  where: string,
  max: number,
  problems: string[],
  plainOnly = false,
): void {
  if (!isObject(obj)) {
    problems.push(`${where}: must be a text object`);
    return;
  }
  if (obj.type !== "plain_text" && (plainOnly || obj.type !== "mrkdwn")) {
    problems.push(`${where}: type must be ${plainOnly ? "plain_text" : "plain_text or mrkdwn"}`);
  }
  if (typeof obj.text !== "string" || obj.text.length === 0) {
    problems.push(`${where}: text must be a non-empty string`);
  } else if (obj.text.length > max) {
    problems.push(`${where}: must be less than ${max + 1} characters (got ${obj.text.length})`);
  }
}

function checkLength(value: unknown, where: string, max: number, problems: string[]): void {
  if (value === undefined) return;
  if (typeof value !== "string" || value.length === 0) problems.push(`${where}: must be a non-empty string`);
  else if (value.length > max)
    problems.push(`${where}: must be at most ${max} characters (got ${value.length})`);
}

function checkElement(el: unknown, where: string, actionIds: Set<string>, problems: string[]): void {
  if (!isObject(el) || typeof el.type !== "string") {
    problems.push(`${where}: must be an element object with a type`);
    return;
  }
  checkLength(el.action_id, `${where}.action_id`, 255, problems);
  if (typeof el.action_id === "string") {
    if (actionIds.has(el.action_id))
      problems.push(`${where}.action_id: duplicate "${el.action_id}" in block`);
    actionIds.add(el.action_id);
  }
  if (el.type === "button") {
    checkTextObject(el.text, `${where}.text`, 75, problems, true);
    if (el.value !== undefined) checkLength(el.value, `${where}.value`, 2000, problems);
    if (el.url !== undefined) checkLength(el.url, `${where}.url`, 3000, problems);
    if (el.style !== undefined && el.style !== "primary" && el.style !== "danger") {
      problems.push(`${where}.style: must be primary or danger`);
    }
  }
  if (Array.isArray(el.options) && el.options.length > 100) {
    problems.push(`${where}.options: at most 100 options`);
  }
}

function checkBlock(block: unknown, where: string, blockIds: Set<string>, problems: string[]): void {
  if (!isObject(block) || typeof block.type !== "string") {
    problems.push(`${where}: must be a block object with a type`);
    return;
  }
  if (block.block_id !== undefined) {
    checkLength(block.block_id, `${where}.block_id`, 255, problems);
    if (typeof block.block_id === "string") {
      if (blockIds.has(block.block_id)) problems.push(`${where}.block_id: duplicate "${block.block_id}"`);
      blockIds.add(block.block_id);
    }
  }
  const actionIds = new Set<string>();
  switch (block.type) {
    case "section": {
      if (block.text === undefined && block.fields === undefined) {
        problems.push(`${where}: section needs text or fields`);
      }
      if (block.text !== undefined) checkTextObject(block.text, `${where}.text`, 3000, problems);
      if (block.fields !== undefined) {
        if (!Array.isArray(block.fields) || block.fields.length > 10) {
          problems.push(`${where}.fields: at most 10 fields`);
        } else {
          block.fields.forEach((f, i) => {
            checkTextObject(f, `${where}.fields[${i}]`, 2000, problems);
          });
        }
      }
      if (block.accessory !== undefined)
        checkElement(block.accessory, `${where}.accessory`, actionIds, problems);
      break;
    }
    case "header":
      checkTextObject(block.text, `${where}.text`, 150, problems, true);
      break;
    case "context": {
      const elements = block.elements;
      if (!Array.isArray(elements) || elements.length === 0 || elements.length > 10) {
        problems.push(`${where}.elements: 1 to 10 elements`);
        break;
      }
      elements.forEach((e, i) => {
        if (isObject(e) && (e.type === "mrkdwn" || e.type === "plain_text")) {
          checkTextObject(e, `${where}.elements[${i}]`, 3000, problems);
        }
      });
      break;
    }
    case "actions": {
      const elements = block.elements;
      if (!Array.isArray(elements) || elements.length === 0 || elements.length > 25) {
        problems.push(`${where}.elements: 1 to 25 elements`);
        break;
      }
      elements.forEach((e, i) => {
        checkElement(e, `${where}.elements[${i}]`, actionIds, problems);
      });
      break;
    }
    case "markdown":
      checkLength(block.text, `${where}.text`, 12_000, problems);
      break;
    case "input":
      checkTextObject(block.label, `${where}.label`, 2000, problems, true);
      if (block.element !== undefined) checkElement(block.element, `${where}.element`, actionIds, problems);
      break;
    default:
      break;
  }
}

/** Validates a blocks array (messages: 50 blocks; views: 100). */
export function checkBlocks(blocks: unknown, maxBlocks: number): LimitError | undefined {
  if (blocks === undefined) return undefined;
  if (!Array.isArray(blocks)) return { error: "invalid_blocks", errors: ["blocks must be an array"] };
  const problems: string[] = [];
  if (blocks.length > maxBlocks)
    problems.push(`no more than ${maxBlocks} items allowed (got ${blocks.length})`);
  const blockIds = new Set<string>();
  blocks.forEach((b, i) => {
    checkBlock(b, `[${i}]`, blockIds, problems);
  });
  return problems.length > 0 ? { error: "invalid_blocks", errors: problems } : undefined;
}

/** Validates the text and blocks of a chat.postMessage / chat.update / chat.postEphemeral. */
export function checkMessage(args: Record<string, unknown>): LimitError | undefined {
  if (typeof args.text === "string" && args.text.length > MAX_TEXT) return { error: "msg_too_long" };
  return checkBlocks(args.blocks, MAX_MESSAGE_BLOCKS);
}
