// The app itself, loaded by main.ts as a part of its own (see there why).
import { mount } from "svelte";
import App from "./App.svelte";

export function mountApp(target: HTMLElement): void {
  mount(App, { target });
}
