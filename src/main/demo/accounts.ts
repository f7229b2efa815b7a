// The demo's two sample accounts: you, and the contact the bot signs in as.
export const DEMO_ACCOUNTS = [
  { email: 'you@demo.example', password: 'demo-pass-1', displayName: 'You (demo)', contacts: ['buddy@demo.example'] },
  { email: 'buddy@demo.example', password: 'demo-pass-2', displayName: 'Demo Buddy', contacts: ['you@demo.example'] },
] as const;
