#!/usr/bin/env bash
# Builds, from scratch, a stand-in for the official Node.js image under the name the generated
# Dockerfile uses (no registry of images can be reached here): the given node binary (the release
# of the real image, from npm) with the shared libraries it loads, this machine's npm, a static
# busybox for /bin/sh, a "node" user (uid 1000), /tmp and the CA certificates this machine trusts.
# It is not the real image: only what the Dockerfile and the service use of it.
# Usage: make-base-image.sh <image name> <node binary> <buildah global options...>
set -euo pipefail
image=$1
node_bin=$(readlink -f "$2")
shift 2
B=(buildah "$@")

npm_root=$(cd "$(dirname "$(readlink -f "$(command -v npm)")")/.." && pwd)
busybox_bin=$(readlink -f "$(command -v busybox)")
[ -f "$npm_root/bin/npm-cli.js" ] || { echo "npm not found next to $(command -v npm)" >&2; exit 1; }

ctr=$("${B[@]}" from scratch)
trap '"${B[@]}" rm "$ctr" >/dev/null 2>&1 || true' EXIT
mnt=$("${B[@]}" mount "$ctr")

mkdir -p "$mnt"/{bin,etc/ssl/certs,root,tmp,home/node,usr/bin,usr/local/bin,usr/local/lib/node_modules}
chmod 1777 "$mnt/tmp"

copy_with_libs() {
  cp "$1" "$mnt$2"
  # Shared libraries as ldd lists them: "name => /path (addr)" or "/path (addr)".
  for lib in $(ldd "$1" 2>/dev/null | grep -o '/[^ ]*' || true); do
    mkdir -p "$mnt$(dirname "$lib")"
    cp -L "$lib" "$mnt$lib"
  done
}
copy_with_libs "$node_bin" /usr/local/bin/node
cp -a "$npm_root" "$mnt/usr/local/lib/node_modules/npm"
ln -s ../lib/node_modules/npm/bin/npm-cli.js "$mnt/usr/local/bin/npm"
ln -s ../lib/node_modules/npm/bin/npx-cli.js "$mnt/usr/local/bin/npx"

copy_with_libs "$busybox_bin" /bin/busybox
for applet in $("$busybox_bin" --list); do
  [ -e "$mnt/bin/$applet" ] || ln -s busybox "$mnt/bin/$applet"
done
# npm's scripts start with "#!/usr/bin/env node".
ln -s /bin/busybox "$mnt/usr/bin/env"

printf 'root:x:0:0:root:/root:/bin/sh\nnode:x:1000:1000::/home/node:/bin/sh\n' > "$mnt/etc/passwd"
printf 'root:x:0:\nnode:x:1000:\n' > "$mnt/etc/group"
chown 1000:1000 "$mnt/home/node"
cp -L /etc/ssl/certs/ca-certificates.crt "$mnt/etc/ssl/certs/ca-certificates.crt"

"${B[@]}" unmount "$ctr" >/dev/null
"${B[@]}" config \
  --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
  --env NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt \
  --cmd node "$ctr"
"${B[@]}" commit --quiet "$ctr" "$image" >/dev/null
echo "$image"
