/** The Job a pipeline's `container` step creates on Kubernetes, with every optional part present. */
import { kubeJobManifest } from "../../../src/pipelines/containers/kube-job.js";

/** A step's Job as the Kubernetes backend builds it (command, args, env with a Secret, resources, service account). */
export function containerStepJob(): Record<string, unknown> {
  return kubeJobManifest(
    {
      name: "mw-churn-train-0a1b2c3d",
      image: "ghcr.io/acme/churn-train:1.4",
      command: ["python", "train.py"],
      args: ["--epochs", "3"],
      env: [
        { name: "MODE", value: "full" },
        { name: "DB_PASSWORD", secretRef: { name: "churn-db", key: "password" } },
      ],
      resources: { cpu: "500m", memory: "2Gi" },
      timeoutMs: 1_800_000,
      labels: { "app.kubernetes.io/managed-by": "modelworks", "modelworks.dev/step": "train" },
      secrets: [],
    },
    { namespace: "ml", serviceAccount: "pipelines" },
  );
}
