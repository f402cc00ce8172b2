#!/bin/sh
# Stand-in for Kaapana 0.4.2's deploy_platform.sh, written by the kaapana-migrate testkit (StandInCluster).
# Like upstream it reads its options in order and acts on --undeploy at once; it only changes the state file
# ../cluster/state: Kaapana's releases start uninstalling, its pods start terminating (they are gone a few polls later).
PLATFORM_NAME="kaapana-admin-chart"
PLATFORM_VERSION="0.4.2"
PATH=/usr/bin:/bin
export LC_ALL=C
here=$(cd "$(dirname "$0")" && pwd)
state_dir="$here/../cluster"
echo "deploy_platform.sh(0.4.2) $* USER=${USER:-} KUBECONFIG=${KUBECONFIG:-}" >> "$state_dir/invocations.log"
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
    --undeploy|--no-hooks)
      echo "HELM_NAMESPACE:       default"
      echo "Undeploy releases"
      if [ -e "$state_dir/undeploy-fails" ]; then
        cat "$state_dir/undeploy-fails.out"
        exit "$(cat "$state_dir/undeploy-fails")"
      fi
      lock
      seq=$(ls "$state_dir/requests" | wc -l)
      seq=$((seq + 1))
      hold=1
      if [ -e "$state_dir/drive" ]; then hold="ack:$seq-undeploy"; : > "$state_dir/requests/$seq-undeploy"; fi
      awk -v hold="$hold" '
        function kaapana(ns) { return ns == "admin" || ns == "services" || ns == "extensions" || ns == "jobs" || ns ~ /^project-/ }
        $1 == "release" && ($2 == "default" || $2 == "admin") { $6 = "uninstalling"; $7 = 1; $8 = "gone" }
        $1 == "job" && kaapana($2) { next }
        $1 == "pod" && kaapana($2) {
          $7 = "true"
          if ($11 == "stays") { $10 = -1 } else { $10 = (hold == 1 ? 3 : hold); $11 = "gone" }
        }
        { print }
      ' "$state_dir/state" > "$state_dir/state.tmp" && mv "$state_dir/state.tmp" "$state_dir/state"
      rmdir "$state_dir/lock"; trap - EXIT
      echo "Waiting until everything is terminated ..."
      if [ "$QUIET" = "true" ]; then
        echo "QUIET-MODE active!"
        echo "Removing all pvs from cluster ..."
      else
        echo "Do you also want to remove all Persistent Volumes in the cluster (kubectl delete pv --all)?"
        exit 1
      fi
      echo "####################################  UNDEPLOYMENT DONE  ############################################"
      exit 0
      ;;
    *) echo "unknown parameter: $1"; exit 1 ;;
  esac
  shift
done
echo "The stand-in only undeploys (--quiet --undeploy)"
exit 1
