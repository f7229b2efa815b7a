#!/usr/bin/env sh
# Synthesises the app's sounds with SoX (apt: sox). Each is a few short notes with soft attacks
# and decays; nothing is sampled from anywhere.
set -eu
cd "$(dirname "$0")"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
rate=44100

# note NAME SECONDS FREQUENCY: a bell-like tone (fundamental plus a quiet octave) fading out.
note() {
  sox -n -r $rate -c 1 "$tmp/$1-a.wav" synth "$2" sine "$3" fade q 0.012 "$2" "$(echo "$2 * 0.85" | bc -l)"
  sox -n -r $rate -c 1 "$tmp/$1-b.wav" synth "$2" sine "$(echo "$3 * 2" | bc -l)" fade q 0.012 "$2" "$(echo "$2 * 0.85" | bc -l)" vol 0.25
  sox -m "$tmp/$1-a.wav" "$tmp/$1-b.wav" "$tmp/$1.wav"
}

# Sign-in: a rising major third then fifth, unhurried.
note s1 0.22 659.25
note s2 0.22 830.61
note s3 0.55 987.77
sox "$tmp/s1.wav" "$tmp/s2.wav" "$tmp/s3.wav" "$tmp/signin.wav"
sox "$tmp/signin.wav" -b 16 sign-in.wav reverb 30 50 60 gain -n -4

# New message: two quick bright notes, the second higher.
note m1 0.12 1046.50
note m2 0.35 1396.91
sox "$tmp/m1.wav" "$tmp/m2.wav" "$tmp/message.wav"
sox "$tmp/message.wav" -b 16 message.wav reverb 20 50 40 gain -n -5

# Nudge: a low wobbling buzz, like a phone shaking on a table.
sox -n -r $rate -c 1 "$tmp/buzz.wav" synth 0.6 square 92 synth 0.6 sine amod 18 fade q 0.01 0.6 0.15 lowpass 900
sox "$tmp/buzz.wav" -b 16 nudge.wav gain -n -6
