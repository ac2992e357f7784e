apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ include "motcua.fullname" . }}-env
  labels:
    {{- include "motcua.labels" . | nindent 4 }}
data:
  {{- range $name, $value := .Values.env }}
  {{ $name }}: {{ $value | quote }}
  {{- end }}
