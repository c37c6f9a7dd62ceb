// Files and folders dragged onto the window. Tauri reports the operating system's drag as
// enter / over / drop / leave events on the webview (with real paths, which a browser drop
// would not give); the app shows an overlay while something is over the window and hands the
// dropped paths to whoever takes notes.

import { getCurrentWebview } from "@tauri-apps/api/webview";

export type DropHandlers = {
  /** Something is being dragged over the window. */
  onenter: (paths: string[]) => void;
  /** It left the window, or the drag was cancelled. */
  onleave: () => void;
  ondrop: (paths: string[]) => void;
};

/**
 * Listens for drags onto the window until the returned function is called. Outside the app
 * (a plain browser) there is nothing to listen to, and this does nothing.
 */
export async function listenForDrops(handlers: DropHandlers): Promise<() => void> {
  let webview;
  try {
    webview = getCurrentWebview();
  } catch {
    return () => {};
  }
  try {
    const unlisten = await webview.onDragDropEvent((event) => {
      const payload = event.payload;
      switch (payload.type) {
        case "enter":
          handlers.onenter(payload.paths);
          break;
        case "over":
          break;
        case "drop":
          handlers.onleave();
          if (payload.paths.length > 0) handlers.ondrop(payload.paths);
          break;
        case "leave":
          handlers.onleave();
          break;
      }
    });
    return () => void unlisten();
  } catch (error) {
    console.warn("Dropping files onto the window is not available:", error);
    return () => {};
  }
}

/** The last part of a path, for "facts.pdf" in messages. */
export function fileName(path: string): string {
  const parts = path.split(/[\\/]/).filter((p) => p !== "");
  return parts[parts.length - 1] ?? path;
}
