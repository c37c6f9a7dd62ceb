// The open episode's research notes as the workspace shows them: the list, what the last
// addition took and skipped, and whether an addition is going on. Every change goes through
// the engine, which answers with the list as it now is.

import { api, toApiError, type AddNotesResult, type NoteSummary } from "./api";

export class NotesState {
  notes = $state<NoteSummary[]>([]);
  loading = $state(true);
  /** What the last addition took and skipped, until dismissed. */
  result = $state<AddNotesResult | null>(null);
  adding = $state(false);
  error = $state<string | null>(null);

  private readonly episodeId: string;
  /** Called after the notes changed: the estimate and the library follow them. */
  private readonly changed: () => void;

  constructor(episodeId: string, changed: () => void) {
    this.episodeId = episodeId;
    this.changed = changed;
  }

  async load(): Promise<void> {
    this.loading = true;
    try {
      this.notes = await api.listNotes(this.episodeId);
    } catch (thrown) {
      this.error = toApiError(thrown).message;
    } finally {
      this.loading = false;
    }
  }

  /** Runs one way of adding notes; false when it failed (the error is shown). */
  async addWith(call: () => Promise<AddNotesResult | null>): Promise<boolean> {
    this.adding = true;
    this.error = null;
    try {
      const result = await call();
      if (result) {
        this.notes = result.notes;
        this.result = result;
        this.changed();
      }
      return true;
    } catch (thrown) {
      this.error = toApiError(thrown).message;
      return false;
    } finally {
      this.adding = false;
    }
  }

  /** Files and folders dropped on the window. */
  addPaths(paths: string[]): Promise<boolean> {
    return this.addWith(() => api.addNotePaths(this.episodeId, paths));
  }

  /** Files chosen in the native dialog. */
  pick(): Promise<boolean> {
    return this.addWith(() => api.pickNoteFiles(this.episodeId));
  }

  paste(name: string, text: string): Promise<boolean> {
    return this.addWith(() => api.addPastedNote(this.episodeId, name, text));
  }

  async remove(note: NoteSummary): Promise<void> {
    try {
      this.notes = await api.removeNote(this.episodeId, note.id);
      this.changed();
    } catch (thrown) {
      this.error = toApiError(thrown).message;
    }
  }

  /** Moves a note one place up (-1) or down (1); the order is the order the stages read them. */
  async move(note: NoteSummary, by: -1 | 1): Promise<void> {
    const ids = this.notes.map((n) => n.id);
    const at = ids.indexOf(note.id);
    const to = at + by;
    if (at < 0 || to < 0 || to >= ids.length) return;
    [ids[at], ids[to]] = [ids[to] as number, ids[at] as number];
    try {
      this.notes = await api.reorderNotes(this.episodeId, ids);
    } catch (thrown) {
      this.error = toApiError(thrown).message;
    }
  }

  dismissResult(): void {
    this.result = null;
  }
}
