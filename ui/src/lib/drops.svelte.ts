// Who takes files dropped on the window. The app listens once (App.svelte); an open episode
// registers itself as the target, so a drop anywhere on the window adds to its notes.

export type DropTarget = { name: string; take: (paths: string[]) => void };

/** What the overlay shows: whether something is over the window, and where it would go. */
export const dropState = $state<{ over: boolean; count: number; targetName: string | null }>({
  over: false,
  count: 0,
  targetName: null,
});

// Kept outside the reactive state: it is compared by identity and never drawn.
let target: DropTarget | null = null;

/** Makes `next` take drops until the returned function is called. */
export function takeDrops(next: DropTarget): () => void {
  target = next;
  dropState.targetName = next.name;
  return () => {
    if (target === next) {
      target = null;
      dropState.targetName = null;
    }
  };
}

export function dragEntered(paths: string[]): void {
  dropState.over = true;
  dropState.count = paths.length;
}

export function dragLeft(): void {
  dropState.over = false;
  dropState.count = 0;
}

/** Hands dropped paths to the target; false when nothing takes them. */
export function dropped(paths: string[]): boolean {
  dragLeft();
  if (!target) return false;
  target.take(paths);
  return true;
}
