// The sections settings are grouped in, in the order the Settings page shows them. One list for the
// settings table (core/config/settings.ts), the settings contract and the renderer, so a group added
// here is one every layer knows and the page must title (the catalog test checks it).
export const SETTING_GROUP_IDS = ['general', 'feedback', 'retraining', 'bank', 'autoUpdate', 'rag', 'assistant'] as const;

export type SettingGroupId = (typeof SETTING_GROUP_IDS)[number];
