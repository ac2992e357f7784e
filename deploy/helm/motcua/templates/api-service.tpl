{{- $role := dict "root" $ "role" "api" -}}
apiVersion: v1
kind: Service
metadata:
  name: {{ include "motcua.fullname" . }}-api
  labels:
    {{- include "motcua.labels" . | nindent 4 }}
    app.kubernetes.io/component: api
spec:
  type: {{ .Values.api.service.type }}
  selector:
    {{- include "motcua.selectorLabels" $role | nindent 4 }}
  ports:
    - name: http
      port: {{ .Values.api.service.port }}
      targetPort: http
