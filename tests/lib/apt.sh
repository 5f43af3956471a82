# Sourced by the test scripts: apt_install PKG... installs the Debian packages that are not installed yet,
# quietly (one line on stderr naming them; apt's output only when it fails). Needs root or sudo; a no-op when
# everything is present.
apt_install() {
  local missing=() p out
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "${APT_WHO:-tests}: installing ${missing[*]}" >&2
  if ! out="$($sudo apt-get update -qq 2>&1 &&
              DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" 2>&1)"; then
    echo "$out" >&2
    echo "${APT_WHO:-tests}: apt-get install ${missing[*]} failed" >&2
    return 1
  fi
}
