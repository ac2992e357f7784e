{{- $role := dict "root" $ "role" "api" "settings" .Values.api -}}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "motcua.fullname" . }}-api
  labels:
    {{- include "motcua.labels" . | nindent 4 }}
    app.kubernetes.io/component: api
spec:
  replicas: {{ .Values.api.replicas }}
  selector:
    matchLabels:
      {{- include "motcua.selectorLabels" $role | nindent 6 }}
  template:
    {{- include "motcua.podTemplate" $role | nindent 4 }}
