/**
 * `--model-config FILE`: a Hugging Face config.json as a candidate model for plan, flops and fit —
 * model_type gpt_neox (or absent, as in old Pythia files), llama (Llama, SmolLM2), mistral, qwen2
 * (Qwen2 / Qwen2.5) or qwen3; core's readArchitectureConfig honours or refuses every key that
 * changes the math, naming it (an unknown rope_scaling type, a sliding window, an unknown key …).
 * The model's name is the config's `_name_or_path` when it has one, else the folder of a file called
 * config.json (`models/my-neox/config.json` → "my-neox"), else the file name without `.json`.
 * Not a model loader: architecture numbers only, no weights.
 */
import { basename, dirname, resolve } from 'node:path';
import { architectureFromConfig, type ModelArchitecture } from '@repurpose/core';
import { parseJsonText, readInputText } from './input-file.js';

/** A config.json is a few kilobytes; 1 MiB leaves room and refuses anything else. */
const MAX_CONFIG_BYTES = 2 ** 20;

export function modelNameOf(path: string, config: unknown): string {
  const named = (config as { _name_or_path?: unknown } | null)?._name_or_path;
  if (typeof named === 'string' && named.trim() !== '') return basename(named.trim());
  const file = basename(path);
  return file === 'config.json' ? basename(dirname(resolve(path))) : file.replace(/\.json$/i, '');
}

export function readModelConfig(path: string, flag = '--model-config'): ModelArchitecture {
  const what = 'a Hugging Face config.json (model_type gpt_neox, llama, mistral, qwen2 or qwen3)';
  const config = parseJsonText(flag, readInputText(flag, path, what, MAX_CONFIG_BYTES), what);
  return architectureFromConfig(config, modelNameOf(path, config));
}
