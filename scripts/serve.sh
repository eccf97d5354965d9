#!/usr/bin/env bash
# Builds the release app and serves it on localhost, opening on the worked example.
# Usage: scripts/serve.sh [PORT]   (default 8080)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"

PORT="${1:-${PORT:-8080}}"
headroom_setup_build
headroom_build
step "Serving Headroom"
printf '\n    Headroom is running at \033[1mhttp://127.0.0.1:%s/\033[0m  (Ctrl+C to stop)\n\n' "$PORT"
cd "$PROJECT_ROOT"
exec trunk serve --release --offline --port "$PORT" --address 127.0.0.1 --no-autoreload
