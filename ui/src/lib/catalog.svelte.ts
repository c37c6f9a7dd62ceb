// The connection's model names and prices, loaded once and shared by every screen that names
// a model. Until it arrives (or on a connection without a catalog) names are made from ids.

import { api } from "./api";
import { modelBook, type ModelBook } from "./models";

export const catalog = $state<{ book: ModelBook; loaded: boolean }>({
  book: modelBook(),
  loaded: false,
});

export async function loadCatalog(): Promise<void> {
  try {
    const models = await api.modelCatalog();
    catalog.book = modelBook(models);
    catalog.loaded = true;
  } catch (error) {
    // Names from ids are a fine fallback; prices are then not shown.
    console.warn("The model catalog could not be loaded:", error);
  }
}
