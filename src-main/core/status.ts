// `ai status`: every metric of the seed's Monitoring section, gathered from the services.
// Each domain contributes a section through `statusSections` below.
import type { App } from './app';
import { currentSchemaVersion, latestSchemaVersion } from './db/migrator';
import { feedbackStatusSection } from './feedback/feedback-status-section';
import { mlRetrainingStatusSection } from './ml/retraining/ml-retraining-status-section';
import { ragAutoUpdateStatusSection } from './rag/auto-update-stats';
import { assistantStatusSection } from './assistant/assistant-status-section';

export interface StatusRow {
  label: string;
  value: string | number | boolean | null;
}

export interface StatusSection {
  id: string;
  title: string;
  rows: StatusRow[];
}

export interface SystemStatus {
  dataDir: string;
  sections: StatusSection[];
}

export async function systemStatus(app: App): Promise<SystemStatus> {
  const s = app.settings;
  const worker = app.worker.health();
  const sections: StatusSection[] = [
    {
      id: 'system',
      title: 'System',
      rows: [
        { label: 'Data dir', value: app.paths.dataDir },
        { label: 'Database', value: app.database.path },
        { label: 'Schema version', value: `${currentSchemaVersion(app.database.sqlite)}/${latestSchemaVersion()}` },
        { label: 'Worker', value: worker.running ? `running (pid ${worker.pid})` : 'idle (starts on demand)' },
        { label: 'Feedback collection', value: s.AI_FEEDBACK_ENABLED ? 'enabled' : 'disabled' },
        { label: 'ML retraining', value: s.ML_RETRAINING_ENABLED ? 'enabled' : 'disabled' },
        { label: 'RAG auto-update', value: s.RAG_AUTO_UPDATE_ENABLED ? 'enabled' : 'disabled' },
      ],
    },
  ];
  sections.push(mlRetrainingStatusSection(app.models));
  sections.push(feedbackStatusSection(app.database.sqlite, s));
  sections.push(ragAutoUpdateStatusSection(app.database.sqlite, s));
  sections.push(assistantStatusSection(app));
  return { dataDir: app.paths.dataDir, sections };
}
