"""Full screens: what the user moves between (the pod list, a pod, its logs, ...)."""
