// Versions of every registered model (DESIGN §4): numbering (1.0.0, then a minor bump per retrain),
// atomic artifacts with a checksum, the single active version per model, rollback (which pins the
// version: automatic deploys wait until the user unpins), MAX_VERSIONS pruning that never lets a
// rejected candidate push out a version that was once live, and the fall-back to the newest healthy
// version when the active artifact is corrupt or missing. Times are the app's clock (OPENFATTURE_TODAY). Artifact first, row second: a process killed in between leaves an orphan file that the
// next version of the same number overwrites, and the registry still on the previous active version.
import type { Database } from '../../db/database';
import type { ModelVersionStatus } from '../../db/schema';
import { AppStateRepository } from '../../db/app-state-repository';
import { PredictionRepository } from '../../feedback/prediction-repository';
import { RetrainingRunRepository } from '../retraining/retraining-run-repository';
import { ModelVersionRepository, type ModelVersionRow } from './model-version-repository';
import { AppError, InputError, NotFoundError } from '../../errors';
import type { Logger } from '../../logger';
import { ArtifactError, ArtifactStore, type ArtifactHealth } from './artifact-store';
import { compareSemver, isSemver, nextVersion } from '../../../../src-shared/semver';
import { parseSemver } from './semver';
import { englishText, type RetrainingMessage } from '../retraining/retraining-message';
import { appNowIso } from '../../dates';

export interface VersionInfo {
  id: number;
  model: string;
  version: string;
  status: ModelVersionStatus;
  triggerReasons: string[];
  trainingRows: number;
  trainingCutoff: string | null;
  metrics: Record<string, unknown>;
  baselineAccuracy: number | null;
  artifactPath: string | null;
  artifactSha256: string | null;
  createdAt: string;
  deployedAt: string | null;
  parentVersion: string | null;
  dryRun: boolean;
  notes: string | null;
  /** `notes` in structured form; null for versions registered before it was recorded. */
  notesMessages: RetrainingMessage[] | null;
  /** When a rollback pinned it (automatic deploys wait); null when not pinned. */
  pinnedAt: string | null;
  /** Holdout predictions behind baselineAccuracy. */
  baselineSample: number | null;
}

type VersionRow = ModelVersionRow;

export interface NewVersion {
  model: string;
  artifact: string;
  status: 'active' | 'rejected' | 'candidate';
  triggerReasons: string[];
  trainingRows: number;
  trainingCutoff: string | null;
  metrics: Record<string, unknown>;
  baselineAccuracy: number | null;
  baselineSample?: number | null;
  parentVersion: string | null;
  dryRun: boolean;
  notes?: string | null;
  notesMessages?: RetrainingMessage[] | null;
  /** Unconsumed prediction feedback up to this id (what the retrain saw) is marked consumed by an activated version. */
  consumeFeedbackThroughId?: number;
}

export interface LoadedVersion {
  version: VersionInfo;
  artifact: string;
}

export interface FallbackEvent {
  model: string;
  from: string;
  to: string | null;
  health: ArtifactHealth;
  at: string;
}

function toInfo(r: VersionRow): VersionInfo {
  return {
    id: r.id,
    model: r.model_name,
    version: r.version,
    status: r.status,
    triggerReasons: JSON.parse(r.trigger_reasons) as string[],
    trainingRows: r.training_rows,
    trainingCutoff: r.training_cutoff,
    metrics: JSON.parse(r.metrics) as Record<string, unknown>,
    baselineAccuracy: r.baseline_accuracy,
    artifactPath: r.artifact_path,
    artifactSha256: r.artifact_sha256,
    createdAt: r.created_at,
    deployedAt: r.deployed_at,
    parentVersion: r.parent_version,
    dryRun: r.dry_run === 1,
    notes: r.notes,
    notesMessages: parseMessages(r.notes_messages),
    pinnedAt: r.pinned_at,
    baselineSample: r.baseline_sample,
  };
}

function parseMessages(json: string | null): RetrainingMessage[] | null {
  if (!json) return null;
  try {
    const v = JSON.parse(json) as unknown;
    return Array.isArray(v) ? (v as RetrainingMessage[]) : null;
  } catch {
    return null;
  }
}

const now = (): string => appNowIso();

/** app_state key of the highest version number ever given to a model. */
const highestVersionKey = (model: string): string => `models.${model}.highest_version`;

export class ModelVersionManager {
  private readonly rows: ModelVersionRepository;
  private readonly runs: RetrainingRunRepository;
  private readonly appState: AppStateRepository;
  private readonly predictions: PredictionRepository;

  constructor(
    database: Database,
    readonly store: ArtifactStore,
    private readonly logger: Logger,
  ) {
    this.rows = new ModelVersionRepository(database.sqlite);
    this.runs = new RetrainingRunRepository(database.sqlite);
    this.appState = new AppStateRepository(database.sqlite);
    this.predictions = new PredictionRepository(database.sqlite);
  }

  /** Newest first (by version number). */
  list(model: string): VersionInfo[] {
    return this.rows.all(model).map(toInfo).sort((a, b) => compareSemver(b.version, a.version));
  }

  get(model: string, version: string): VersionInfo | null {
    const row = this.rows.get(model, version);
    return row ? toInfo(row) : null;
  }

  active(model: string): VersionInfo | null {
    const row = this.rows.activeRow(model);
    return row ? toInfo(row) : null;
  }

  /** The next number: above every version ever registered, pruned ones included, so a number is never reused. */
  nextVersion(model: string): string {
    return nextVersion(this.rows.usedNumbers(model, highestVersionKey(model)).filter(isSemver));
  }

  health(v: VersionInfo): ArtifactHealth {
    return this.store.health(v.artifactPath, v.artifactSha256);
  }

  /** Reads a version's artifact, verifying its checksum (throws ArtifactError). */
  load(v: VersionInfo): string {
    if (!v.artifactPath) throw new ArtifactError('missing', `${v.model} ${v.version} has no artifact`);
    return this.store.read(v.artifactPath, v.artifactSha256);
  }

  /**
   * Writes the artifact atomically, then records the version in one transaction; an 'active' version
   * replaces the current one (retired) and consumes the feedback it learnt from.
   */
  async register(input: NewVersion): Promise<VersionInfo> {
    this.store.removeStaleTempFiles(input.model);
    const version = this.nextVersion(input.model);
    const stored = await this.store.write(input.model, version, input.artifact);
    // The number was free before the write; one retrain per model runs at a time (retrain lock).
    if (this.get(input.model, version)) throw new AppError('VERSION_TAKEN', `${input.model} ${version} was registered meanwhile`);
    const deployedAt = input.status === 'active' ? now() : null;
    this.rows.exclusively(() => {
      if (input.status === 'active') {
        this.rows.retireActive(input.model);
        // A new live version ends any pin (only a deliberate retrain deploys while pinned).
        this.rows.unpinAll(input.model);
      }
      this.rows.insert({
        model_name: input.model,
        version,
        status: input.status,
        trigger_reasons: JSON.stringify(input.triggerReasons),
        training_rows: input.trainingRows,
        training_cutoff: input.trainingCutoff,
        metrics: JSON.stringify(input.metrics),
        baseline_accuracy: input.baselineAccuracy,
        baseline_sample: input.baselineSample ?? null,
        artifact_path: stored.relativePath,
        artifact_sha256: stored.sha256,
        created_at: now(),
        deployed_at: deployedAt,
        parent_version: input.parentVersion,
        dry_run: input.dryRun ? 1 : 0,
        notes: input.notes ?? null,
        notes_messages: input.notesMessages ? JSON.stringify(input.notesMessages) : null,
      });
      this.appState.setAt(highestVersionKey(input.model), version, now());
      if (input.status === 'active' && input.consumeFeedbackThroughId !== undefined) {
        this.predictions.consumeFeedback(input.model, version, input.consumeFeedbackThroughId);
      }
    });
    return this.get(input.model, version)!;
  }

  /**
   * The active version and its verified artifact. A corrupt or missing artifact is logged as an
   * ERROR and the newest previously deployed version whose artifact is healthy becomes active
   * (recorded as an automatic rollback). Null when the model was never trained.
   */
  loadActive(model: string): LoadedVersion | null {
    const active = this.active(model);
    if (!active) return null;
    try {
      return { version: active, artifact: this.load(active) };
    } catch (e) {
      if (!(e instanceof ArtifactError)) throw e;
      return this.fallBack(active, e);
    }
  }

  /** Checks the active artifact and falls back if needed; returns the event when a fall-back happened. */
  ensureHealthyActive(model: string): FallbackEvent | null {
    const before = this.active(model);
    if (!before || this.health(before) === 'ok') return null;
    let after: LoadedVersion | null = null;
    try {
      after = this.loadActive(model);
    } catch (e) {
      if (!(e instanceof AppError && e.code === 'NO_HEALTHY_MODEL')) throw e;
    }
    return { model, from: before.version, to: after?.version.version ?? null, health: this.health(before), at: now() };
  }

  private fallBack(broken: VersionInfo, cause: ArtifactError): LoadedVersion {
    const model = broken.model;
    this.logger.error(`Model artifact of ${model} ${broken.version} is ${cause.health}: ${cause.message}; falling back to the newest healthy version`);
    const candidates = this.list(model).filter((v) => v.version !== broken.version && v.deployedAt !== null && !v.dryRun);
    for (const v of candidates) {
      let artifact: string;
      try {
        artifact = this.load(v);
      } catch (e) {
        if (!(e instanceof ArtifactError)) throw e;
        this.logger.error(`Model artifact of ${model} ${v.version} is ${e.health} too: ${e.message}`);
        continue;
      }
      const switched = this.rows.exclusively(() => {
        const still = this.active(model);
        if (!still || still.version !== broken.version) return false; // another process already fell back
        this.activate(model, v.version, broken.version, {
          notes: { code: 'automatic-fallback', params: { version: broken.version, health: cause.health } },
          error: cause.message,
          brokenNotes: `artifact ${cause.health}: ${cause.message}`,
        });
        return true;
      });
      if (switched) this.logger.error(`Fell back from ${model} ${broken.version} to ${v.version} (artifact ${cause.health})`);
      const nowActive = this.active(model)!;
      return { version: nowActive, artifact: nowActive.version === v.version ? artifact : this.load(nowActive) };
    }
    this.logger.error(`No healthy version of ${model} to fall back to`);
    throw new AppError('NO_HEALTHY_MODEL', `no healthy version of ${model}: the artifact of the active version ${broken.version} is ${cause.health} and no earlier deployed version can be loaded`);
  }

  /** The pinned version of a model (the one a rollback made active), if any. */
  pinned(model: string): VersionInfo | null {
    const row = this.rows.pinned(model);
    return row ? toInfo(row) : null;
  }

  /** Ends the pin: automatic retrains may deploy again. Returns the version that was pinned. */
  unpin(model: string): string | null {
    const pinned = this.pinned(model);
    if (!pinned) return null;
    this.rows.unpinAll(model);
    this.logger.info(`Unpinned ${model} ${pinned.version}: automatic retrains may deploy again`);
    return pinned.version;
  }

  /** Re-activates an earlier version (no new version is created), pins it, and logs it in retraining_runs. */
  rollback(model: string, version: string, field = '--version'): { from: string | null; to: VersionInfo } {
    parseSemver(version, field);
    const target = this.get(model, version);
    if (!target) {
      const known = this.list(model).map((v) => v.version);
      throw new NotFoundError(`${field}: ${model} has no version ${version}${known.length ? ` (versions: ${known.join(', ')})` : ' (no versions yet)'}`, field);
    }
    if (target.status === 'active') throw new InputError(`${field}: ${model} ${version} is already the active version`, field);
    const health = this.health(target);
    if (health !== 'ok') throw new AppError('ARTIFACT_' + health.toUpperCase(), `cannot roll back to ${model} ${version}: its artifact is ${health}`);
    const from = this.active(model)?.version ?? null;
    this.rows.exclusively(() => {
      this.activate(model, version, from, { notes: { code: 'manual-rollback', params: {} } });
      this.rows.pinOnly(model, version, now());
    });
    this.logger.info(`Rolled back ${model} model from ${from ?? '(none)'} to ${version}; pinned until unpinned (automatic deploys wait)`);
    return { from, to: this.get(model, version)! };
  }

  private activate(model: string, version: string, from: string | null, o: { notes: RetrainingMessage; error?: string; brokenNotes?: string }): void {
    const at = now();
    if (o.brokenNotes && from) this.rows.retireWithNotes(model, from, o.brokenNotes);
    this.rows.retireActive(model);
    this.rows.makeActive(model, version, at);
    // A pin names the version the user chose; once another one is live (a fall-back) it no longer holds.
    this.rows.unpinOthers(model, version);
    this.runs.insertRollback({ model, at, from, to: version, error: o.error ?? null, notes: englishText(o.notes), notesMessages: JSON.stringify([o.notes]) });
  }

  /**
   * Keeps at most `max` versions: always the active one, the pinned one and the first version that
   * went live (the model the user started from, so it can always be returned to); then the newest
   * versions that were ever live (rollback targets), then the newest others (rejected candidates, dry
   * runs). A rejected candidate never pushes out a version that was deployed. Returns the removed versions.
   */
  prune(model: string, max: number): string[] {
    const all = this.list(model);
    if (all.length <= max) return [];
    const wasLive = (v: VersionInfo) => v.deployedAt !== null && !v.dryRun;
    const first = all.filter(wasLive).at(-1);
    const keep = new Set<VersionInfo>(all.filter((v) => v.status === 'active' || v.pinnedAt !== null || v === first));
    for (const group of [all.filter(wasLive), all.filter((v) => !wasLive(v))]) {
      for (const v of group) if (keep.size < max) keep.add(v);
    }
    const remove = all.filter((v) => !keep.has(v));
    if (!remove.length) return [];
    this.rows.exclusively(() => {
      for (const v of remove) this.rows.deleteUnlessLiveOrPinned(model, v.version);
    });
    // Files after the rows: a kill in between leaves unreferenced files, never a row without its file.
    for (const v of remove) if (v.artifactPath) this.store.remove(v.artifactPath);
    this.logger.info(`Pruned ${remove.length} old version(s) of ${model}: ${remove.map((v) => v.version).join(', ')}`);
    return remove.map((v) => v.version);
  }

  /** Latest automatic fall-back recorded for the model, for status screens. */
  lastFallback(model: string): { at: string; from: string | null; to: string | null; error: string | null } | null {
    const row = this.runs.lastAutomaticFallback(model);
    return row ? { at: row.started_at, from: row.active_version, to: row.candidate_version, error: row.error } : null;
  }
}
