import { useEffect, useState } from 'react'
import { PALETTES, type Palette, type ThemeName } from '../theme.ts'

const KEY = 'sluice.theme'

function initial(): ThemeName {
  const saved = localStorage.getItem(KEY)
  if (saved === 'dark' || saved === 'light') return saved
  return matchMedia('(prefers-color-scheme: light)').matches ? 'light' : 'dark'
}

/** The colour theme: remembered per browser, applied to <html data-theme>. */
export function useTheme(): { theme: ThemeName; palette: Palette; toggle: () => void } {
  const [theme, setTheme] = useState<ThemeName>(initial)
  useEffect(() => {
    document.documentElement.dataset.theme = theme
    localStorage.setItem(KEY, theme)
  }, [theme])
  return { theme, palette: PALETTES[theme], toggle: () => setTheme((t) => (t === 'dark' ? 'light' : 'dark')) }
}
