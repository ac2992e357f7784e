{{- $role := dict "root" $ "role" "workers" "settings" .Values.workers -}}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "motcua.fullname" . }}-workers
  labels:
    {{- include "motcua.labels" . | nindent 4 }}
    app.kubernetes.io/component: workers
spec:
  replicas: {{ .Values.workers.replicas }}
  selector:
    matchLabels:
      {{- include "motcua.selectorLabels" $role | nindent 6 }}
  # No HTTP probes: this role serves no HTTP.
  template:
    {{- include "motcua.podTemplate" $role | nindent 4 }}
