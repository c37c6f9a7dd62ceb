import { mount } from "svelte";
import "./app.css";
import App from "./App.svelte";
import { narrowFontStack } from "./lib/font-stack";

const target = document.getElementById("app");
if (!target) throw new Error("index.html has no #app element to mount Castwright into");

// Before the first screen lays out its text, so it resolves the interface font only once.
narrowFontStack();

export default mount(App, { target });
