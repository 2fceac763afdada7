// Which assistant panel was open in this tab, so that a reload opens it again and it shows
// the answer still being written (sessionStorage: per tab, gone with it).
const KEY = 'meridian.ai.ask';

export function rememberAsk<T extends { id: number }>(target: T | 'all' | null): void {
  try {
    if (target === null) sessionStorage.removeItem(KEY);
    else sessionStorage.setItem(KEY, JSON.stringify(target));
  } catch {
    // Storage refused (private mode, quota): a reload then starts without the panel.
  }
}

export function rememberedAsk<T extends { id: number }>(): T | 'all' | null {
  try {
    const raw = sessionStorage.getItem(KEY);
    if (!raw) return null;
    const v = JSON.parse(raw) as unknown;
    if (v === 'all') return 'all';
    return typeof v === 'object' && v !== null && typeof (v as { id?: unknown }).id === 'number' ? (v as T) : null;
  } catch {
    return null;
  }
}
