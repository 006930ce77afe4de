/**
 * Deliberately broken edits of overlays/scaled as rendered, shared by the strict schema checks so
 * each shows it bites: two misspelt fields, a wrong type, a missing required field, a wrong case.
 * `kubectl` is kubectl 1.32's error (against the published document), `derived` the problem
 * kube-model-schema.ts reports (against @kubernetes/client-node 1.1.2's definitions).
 */
export interface BrokenEdit {
  /** Text of the rendered overlay (its first occurrence is replaced). */
  from: string;
  to: string;
  kubectl: RegExp;
  derived: RegExp;
}

export const BROKEN_EDITS: BrokenEdit[] = [
  {
    from: "timeoutSeconds: 3",
    to: "timeoutSecond: 3",
    kubectl: /unknown field "timeoutSecond" in io\.k8s\.api\.core\.v1\.Probe/,
    derived: /containers\[0\]\.\w+Probe\.timeoutSecond: unknown field/,
  },
  {
    from: "averageUtilization: 70",
    to: "averageUtilization: seventy",
    kubectl: /invalid type for .*averageUtilization: got "string"/,
    derived: /target\.averageUtilization: expected an integer, got "seventy"/,
  },
  {
    from: "maxUnavailable: 1",
    to: "maxUnavailabel: 1",
    kubectl: /unknown field "maxUnavailabel" in io\.k8s\.api\.policy\.v1/,
    derived: /^spec\.maxUnavailabel: unknown field$/m,
  },
  {
    from: "containerPort: 5000",
    to: "containerPot: 5000",
    kubectl: /missing required field "containerPort"/,
    derived: /ports\[0\]\.containerPort: required/,
  },
  {
    from: "readOnlyRootFilesystem: true",
    to: "readOnlyRootFileSystem: true",
    kubectl: /unknown field "readOnlyRootFileSystem"/,
    derived: /securityContext\.readOnlyRootFileSystem: unknown field/,
  },
];
