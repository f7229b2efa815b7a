// Where a window opens: its remembered size and position, kept only while that position is still
// on a connected display (a monitor may have been unplugged since), and cascaded so a new
// conversation window does not open exactly on top of another one.

export interface Rect {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export interface SavedWindowState {
  readonly x?: number;
  readonly y?: number;
  readonly width: number;
  readonly height: number;
  readonly maximized: boolean;
}

export interface WindowSizeLimits {
  readonly width: number;
  readonly height: number;
  readonly minWidth: number;
  readonly minHeight: number;
}

export interface Placement {
  /** Absent: let the window system centre the window. */
  readonly x?: number;
  readonly y?: number;
  readonly width: number;
  readonly height: number;
  readonly maximized: boolean;
}

/** How much of the title bar must lie on a display for the window to be reachable with the mouse. */
const GRAB_WIDTH = 100;
const GRAB_HEIGHT = 30;
export const CASCADE_STEP = 24;

/**
 * @param workAreas the usable area of every connected display
 * @param occupied where windows of the same kind already are, for cascading
 */
export function placeWindow(
  saved: SavedWindowState | undefined,
  limits: WindowSizeLimits,
  workAreas: readonly Rect[],
  occupied: readonly Rect[] = [],
): Placement {
  const largest = workAreas.reduce<Rect | undefined>(
    (best, area) => (best === undefined || area.width * area.height > best.width * best.height ? area : best),
    undefined,
  );
  const clamp = (value: number, min: number, max: number | undefined): number =>
    Math.round(Math.max(min, max === undefined ? value : Math.min(value, Math.max(min, max))));
  const width = clamp(saved?.width ?? limits.width, limits.minWidth, largest?.width);
  const height = clamp(saved?.height ?? limits.height, limits.minHeight, largest?.height);
  const maximized = saved?.maximized ?? false;
  if (saved?.x === undefined || saved.y === undefined) return { width, height, maximized };

  let x = saved.x;
  let y = saved.y;
  for (let i = 0; i < 50 && occupied.some((r) => r.x === x && r.y === y); i++) {
    const next = { x: x + CASCADE_STEP, y: y + CASCADE_STEP, width, height };
    if (!reachable(next, workAreas)) break;
    x = next.x;
    y = next.y;
  }
  return reachable({ x, y, width, height }, workAreas)
    ? { x, y, width, height, maximized }
    : { width, height, maximized };
}

/** Whether enough of the window's top edge lies on one display to grab it. */
export function reachable(window: Rect, workAreas: readonly Rect[]): boolean {
  return workAreas.some((area) => {
    const left = Math.max(window.x, area.x);
    const right = Math.min(window.x + window.width, area.x + area.width);
    const top = Math.max(window.y, area.y);
    const bottom = Math.min(window.y + GRAB_HEIGHT, area.y + area.height);
    return right - left >= Math.min(GRAB_WIDTH, window.width) && bottom - top >= GRAB_HEIGHT && window.y >= area.y;
  });
}
