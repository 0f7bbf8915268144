import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { App } from './App.tsx'
import { TokenGate } from './components/TokenGate.tsx'
import './styles.css'

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <TokenGate>
      <App />
    </TokenGate>
  </StrictMode>,
)
