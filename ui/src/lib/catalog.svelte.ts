// The connection's model names and prices, loaded once and shared by every screen that names
// a model. Until it arrives (or on a connection without a catalog) names are made from ids.
//
// Loaded on first use, not at start-up: asking for the catalog starts the connection (for the
// demo, a whole local service) and fetches hundreds of models, which the episode library never
// shows. The first screen that reads a name or a price starts the load.

import { api } from "./api";
import { modelBook, type ModelBook } from "./models";

// Replaced whole when the catalog arrives, never changed in place: no deep proxy over hundreds
// of models.
let book = $state.raw<ModelBook>(modelBook());

/** Whether a screen has asked for the catalog (a connection change then loads it again). */
let wanted = false;

function want(): void {
  if (wanted) return;
  wanted = true;
  // Out of the read that asked: a load changes state, which a template or derived must not.
  queueMicrotask(() => void loadCatalog());
}

export const catalog = {
  get book(): ModelBook {
    want();
    return book;
  },
};

async function loadCatalog(): Promise<void> {
  try {
    const models = await api.modelCatalog();
    book = modelBook(models);
  } catch (error) {
    // Names from ids are a fine fallback; prices are then not shown.
    console.warn("The model catalog could not be loaded:", error);
  }
}

/** After the connection changed: the new one's names and prices, if a screen has used them. */
export function reloadCatalog(): void {
  if (wanted) void loadCatalog();
}
