// The peer for `./build.sh bench`: SurveyJS (survey-core + survey-js-ui, from npm) showing a one-question
// popup on the demo product page, with the same five answers as the relief widget's demo config.
// bench/browser.mjs serves it as /peer.html: a copy of www/index.html whose relief script tag is replaced
// by SurveyJS's stylesheet, its two scripts and this file (the usual embed, loaded with the page).
(function () {
  'use strict';
  var json = {
    title: 'Need a hand?',
    width: '380px',
    widthMode: 'static',
    showQuestionNumbers: 'off',
    completeText: 'Send',
    completedHtml: '<h3>Thank you for telling us</h3>',
    pages: [{
      elements: [{
        type: 'radiogroup',
        name: 'frustration',
        title: 'Is something making this harder than it should be?',
        choices: [
          { value: 'delivery_cost', text: 'Delivery costs too much' },
          { value: 'paying_all_at_once', text: 'Paying all at once is hard right now' },
          { value: 'returns', text: "I'm worried about returns" },
          { value: 'cant_find', text: "I can't find what I need" },
          { value: 'confusing', text: 'The site is confusing' }
        ],
        showOtherItem: true,
        otherText: 'Something else'
      }]
    }]
  };
  var survey = new Survey.Model(json);
  survey.onComplete.add(function (sender) {
    document.dispatchEvent(new CustomEvent('peer:complete', { detail: sender.data }));
  });
  var host = document.createElement('div');
  host.id = 'peer-survey';
  document.body.appendChild(host);
  SurveyUI.renderPopupSurvey(survey, host, { allowClose: true, closeOnCompleteTimeout: -1 });
  window.peerSurvey = survey;
  document.dispatchEvent(new CustomEvent('peer:ready'));
})();
