import "./app.css";
import { beginStartup } from "./lib/startup";

const target = document.getElementById("app");
if (!target) throw new Error("index.html has no #app element to mount Castwright into");

// The app's code (its screens and Svelte) loads as a part of its own, so that while it is
// read and run the start-up calls are already on their way (lib/startup): the two overlap
// instead of following one another.
const app = import("./mount-app");
beginStartup();

app.then(
  ({ mountApp }) => mountApp(target),
  (error: unknown) => {
    // Only a damaged install gets here: say so, rather than leave the window blank.
    target.textContent = `Castwright could not load its screens (${String(error)}). Reinstall Castwright to repair it.`;
  },
);
