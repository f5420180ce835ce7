// Write a multi-document YAML stream of N Deployments (about 1.2 KB each), like `helm template`
// output: comments, `---` separators, a native sidecar in each, and a rejected field in every
// tenth one so that lint has findings to locate.
'use strict';
const fs = require('fs');
const [file, countText] = process.argv.slice(2);
const count = Number(countText);
const chunks = [];
for (let i = 0; i < count; i++) {
  const broken = i % 10 === 0;
  chunks.push(`---
# Source: shop/templates/deployment-${i}.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: service-${i}
  namespace: shop
  labels:
    app.kubernetes.io/name: service-${i}
    app.kubernetes.io/part-of: shop
spec:
  replicas: 2
  selector:
    matchLabels:
      app.kubernetes.io/name: service-${i}
  template:
    metadata:
      labels:
        app.kubernetes.io/name: service-${i}
    spec:
      initContainers:
        - name: migrate
          image: registry.example/migrate-${i}:1.0
          command: ["/migrate", "--database", "shop"]${broken ? `
          readinessProbe:
            exec:
              command: ["true"]` : ''}
        - name: proxy
          image: registry.example/proxy:1.30
          restartPolicy: Always
          ports:
            - containerPort: 15001
          startupProbe:
            httpGet:
              path: /healthz/ready
              port: 15021
            periodSeconds: 1
            failureThreshold: 60
          resources:
            requests:
              cpu: 100m
              memory: 64Mi
            limits:
              memory: 128Mi
      containers:
        - name: app
          image: registry.example/app-${i}:1.0
          ports:
            - containerPort: 8080
              name: http
          resources:
            requests:
              cpu: 250m
              memory: 256Mi
            limits:
              memory: 512Mi
`);
}
fs.writeFileSync(file, chunks.join(''));
