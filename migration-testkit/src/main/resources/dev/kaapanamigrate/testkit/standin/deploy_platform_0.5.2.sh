#!/bin/sh
# Stand-in for Kaapana 0.5.2's deploy_platform.sh, written by the kaapana-migrate testkit (StandInCluster).
# `--quiet [--domain D] [--username U --password P]` installs the platform into the state file ../cluster/state:
# the admin chart deployed, the platform chart pending for a few polls, pods pending and a start-up job running
# until they are ready a few polls later. Prints the initial credentials like upstream (a password line).
PLATFORM_NAME="kaapana-admin-chart"
PLATFORM_VERSION="0.5.2"
PATH=/usr/bin:/bin
export LC_ALL=C
here=$(cd "$(dirname "$0")" && pwd)
state_dir="$here/../cluster"
echo "deploy_platform.sh(0.5.2) $* USER=${USER:-} KUBECONFIG=${KUBECONFIG:-}" >> "$state_dir/invocations.log"
lock() {
  n=0
  while ! mkdir "$state_dir/lock" 2>/dev/null; do
    n=$((n + 1)); [ "$n" -gt 1000 ] && { echo "stand-in: state lock held for 10 s: $state_dir/lock" >&2; exit 1; }
    sleep 0.01
  done
  trap 'rmdir "$state_dir/lock" 2>/dev/null' EXIT
}
QUIET=NA
while [ $# -gt 0 ]; do
  case "$1" in
    --quiet) QUIET=true ;;
    -d|--domain) shift; DOMAIN="$1"; echo "SET DOMAIN!" ;;
    -u|--username) shift; echo "SET CONTAINER_REGISTRY_USERNAME! $1" ;;
    -p|--password) shift; echo "SET CONTAINER_REGISTRY_PASSWORD!" ;;
    --chart-path) shift; echo "SET CHART_PATH: $1 !" ;;
    --offline) echo "Deploying in offline mode!" ;;
    --no-migration) ;;
    *) echo "unknown parameter: $1"; exit 1 ;;
  esac
  shift
done
if [ "$QUIET" != "true" ]; then
  echo "Please enter the domain (FQDN) of the server."
  exit 1
fi
echo "Checking for version difference and migration options..."
if [ -e "$state_dir/deploy-fails" ]; then
  cat "$state_dir/deploy-fails.out"
  exit "$(cat "$state_dir/deploy-fails")"
fi
lock
seq=$(ls "$state_dir/requests" | wc -l)
seq=$((seq + 1))
if [ -e "$state_dir/drive" ]; then
  hold="ack:$seq-deploy"; : > "$state_dir/requests/$seq-deploy"
  h1="$hold"; h2="$hold"; h3="$hold"
else
  h1=1; h2=2; h3=3
fi
{
  echo "release default kaapana-admin-chart kaapana-admin-chart-0.5.2 0.5.2 deployed 0 -"
  echo "release default kaapana-platform-chart kaapana-platform-chart-0.5.2 0.5.2 pending-install 2 deployed"
  echo "pod admin kube-helm-deployment-7d9f Pending 0 1 false - - $h1 running"
  echo "pod services access-information-interface-5c4b Pending 0 1 false - - $h2 running"
  echo "pod services airflow-webserver-6f7c Pending 0 2 false - - $h3 running"
  echo "pod services init-projects-x7k2p Running 0 1 false - init-projects $h3 completed"
  echo "job services init-projects running $h3 complete"
  [ -e "$state_dir/after-deploy" ] && cat "$state_dir/after-deploy"
} >> "$state_dir/state"
rmdir "$state_dir/lock"; trap - EXIT
echo "Deploying $PLATFORM_NAME:$PLATFORM_VERSION"
echo "Deployment done."
echo "Please wait till all components have been downloaded and started."
echo "Initial credentials:"
echo "username: kaapana"
echo "password: Kaapana2020!"
exit 0
