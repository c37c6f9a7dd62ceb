// A value a screen loads on its own: loading, loaded, or failed with a plain sentence. Each
// dashboard panel has one, so one missing number never blanks the whole screen.

import { toApiError } from "./api";

export type Loadable<T> = {
  readonly value: T | null;
  readonly error: string | null;
  readonly loading: boolean;
  load(call: () => Promise<T>): Promise<void>;
};

export function loadable<T>(): Loadable<T> {
  const state = $state<{ value: T | null; error: string | null; loading: boolean }>({
    value: null,
    error: null,
    loading: true,
  });
  let latest = 0;
  return {
    get value() {
      return state.value;
    },
    get error() {
      return state.error;
    },
    get loading() {
      return state.loading;
    },
    async load(call) {
      const mine = ++latest;
      state.loading = true;
      try {
        const value = await call();
        if (mine !== latest) return;
        state.value = value;
        state.error = null;
      } catch (thrown) {
        if (mine !== latest) return;
        state.error = toApiError(thrown).message;
      } finally {
        if (mine === latest) state.loading = false;
      }
    },
  };
}
