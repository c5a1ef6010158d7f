// Opens the side panel from the toolbar button, and adds "Explain / Summarize with webslm" for
// selected text: the selection goes to the side panel (through chrome.storage), which asks the model.
chrome.sidePanel.setPanelBehavior({ openPanelOnActionClick: true }).catch(() => {});

chrome.runtime.onInstalled.addListener(() => {
  chrome.contextMenus.create({ id: "explain", title: "Explain with webslm", contexts: ["selection"] });
  chrome.contextMenus.create({ id: "summarize", title: "Summarize with webslm", contexts: ["selection"] });
});

chrome.contextMenus.onClicked.addListener(async (info, tab) => {
  if (!info.selectionText || (info.menuItemId !== "explain" && info.menuItemId !== "summarize")) return;
  await chrome.storage.session.set({ pending: { action: info.menuItemId, text: info.selectionText.slice(0, 4000) } });
  await chrome.sidePanel.open({ tabId: tab.id });
});
