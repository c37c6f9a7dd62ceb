// Changes a producer makes to their own default models, one stage at a time. Each returns a
// new plan and leaves the one it was given alone, so the screen can save the result whole.

import type { Stage, StagePlan, Variant } from "./api";

/** A deep copy; through JSON because the plan may be a reactive proxy, which cannot be cloned. */
export function copyPlan(plan: StagePlan): StagePlan {
  return JSON.parse(JSON.stringify(plan)) as StagePlan;
}

function withModels(plan: StagePlan, stage: Stage, models: string[]): StagePlan {
  const next = copyPlan(plan);
  next[stage].chain.models = models;
  return next;
}

/** Adds a model at the end of the stage's list (once: a repeat is ignored). */
export function addModel(plan: StagePlan, stage: Stage, model: string): StagePlan {
  const id = model.trim();
  const models = plan[stage].chain.models;
  if (id === "" || models.includes(id)) return plan;
  return withModels(plan, stage, [...models, id]);
}

/** Removes a model, except the last one: a stage always keeps at least one. */
export function removeModel(plan: StagePlan, stage: Stage, index: number): StagePlan {
  const models = plan[stage].chain.models;
  if (models.length <= 1 || index < 0 || index >= models.length) return plan;
  return withModels(
    plan,
    stage,
    models.filter((_, i) => i !== index),
  );
}

/** Moves a model one place earlier (−1) or later (+1) in the stage's list. */
export function moveModel(plan: StagePlan, stage: Stage, index: number, by: -1 | 1): StagePlan {
  const models = [...plan[stage].chain.models];
  const to = index + by;
  if (index < 0 || index >= models.length || to < 0 || to >= models.length) return plan;
  [models[index], models[to]] = [models[to] as string, models[index] as string];
  return withModels(plan, stage, models);
}

export function setVariant(plan: StagePlan, stage: Stage, variant: Variant): StagePlan {
  if (plan[stage].chain.variant === variant) return plan;
  const next = copyPlan(plan);
  next[stage].chain.variant = variant;
  return next;
}
