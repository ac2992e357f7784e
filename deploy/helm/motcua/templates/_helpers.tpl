{{/*
Templates end in .tpl, not .yaml: Helm renders every file here whose name does not start with "_"
whatever its extension, and prettier (which formats every .yaml of the repository) cannot parse Go
templates.
*/}}

{{- define "motcua.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "motcua.labels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{/* Selector labels of one role; called with (dict "root" $ "role" "api"). */}}
{{- define "motcua.selectorLabels" -}}
app.kubernetes.io/name: {{ .root.Chart.Name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .role }}
{{- end -}}

{{/*
The pod template of one role; called with (dict "root" $ "role" "api" "settings" .Values.api).
Environment: the shared ConfigMap, then the role's own settings, the Secret-backed settings and,
for the workers, the signing key paths when a signing Secret is given.
*/}}
{{- define "motcua.podTemplate" -}}
{{- $root := .root -}}
{{- $settings := .settings -}}
{{- $signing := and (eq .role "workers") $root.Values.signing.secretName -}}
metadata:
  labels:
    {{- include "motcua.selectorLabels" . | nindent 4 }}
  annotations:
    checksum/env: {{ toJson $root.Values.env | sha256sum }}
spec:
  {{- with $root.Values.imagePullSecrets }}
  imagePullSecrets:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  automountServiceAccountToken: false
  terminationGracePeriodSeconds: {{ $root.Values.terminationGracePeriodSeconds }}
  securityContext:
    {{- toYaml $root.Values.podSecurityContext | nindent 4 }}
  containers:
    - name: {{ .role }}
      image: "{{ $root.Values.image.repository }}:{{ $root.Values.image.tag | default $root.Chart.AppVersion }}"
      imagePullPolicy: {{ $root.Values.image.pullPolicy }}
      securityContext:
        {{- toYaml $root.Values.containerSecurityContext | nindent 8 }}
      envFrom:
        - configMapRef:
            name: {{ include "motcua.fullname" $root }}-env
      env:
        {{- range $name, $value := $settings.env }}
        - name: {{ $name }}
          value: {{ $value | quote }}
        {{- end }}
        {{- range $root.Values.secretEnv }}
        - name: {{ .name }}
          valueFrom:
            secretKeyRef:
              name: {{ .secretName }}
              key: {{ .key }}
        {{- end }}
        {{- if $signing }}
        {{- range $name, $value := $root.Values.signing.env }}
        - name: {{ $name }}
          value: {{ $value | quote }}
        {{- end }}
        {{- end }}
      {{- if eq .role "api" }}
      ports:
        - name: http
          containerPort: {{ $settings.env.MOTCUA_HTTP_PORT | default "3000" | int }}
      # Ready = database, Zeebe and workers answer; alive = the port accepts connections (a database
      # outage must not restart every api pod).
      readinessProbe:
        httpGet:
          path: /api/health
          port: http
        periodSeconds: 10
        failureThreshold: 3
      livenessProbe:
        tcpSocket:
          port: http
        initialDelaySeconds: 30
        periodSeconds: 20
      {{- end }}
      resources:
        {{- toYaml $settings.resources | nindent 8 }}
      volumeMounts:
        - name: data
          mountPath: {{ $root.Values.env.MOTCUA_DATA_DIR }}
        - name: tmp
          mountPath: /tmp
        {{- if $signing }}
        - name: signing
          mountPath: {{ $root.Values.signing.mountPath }}
          readOnly: true
        {{- end }}
  volumes:
    - name: data
      emptyDir:
        sizeLimit: {{ $root.Values.dataDir.sizeLimit }}
    - name: tmp
      emptyDir: {}
    {{- if $signing }}
    - name: signing
      secret:
        secretName: {{ $root.Values.signing.secretName }}
        defaultMode: 0440
    {{- end }}
{{- end -}}
